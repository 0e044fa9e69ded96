import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { VersionRow } from '../../records/achievement-rows.js';
import { achievementEventBody } from '../../records/achievement-rows.js';
import type { BodyRebuilder, EntryRef } from '../body-registry.js';

/** Resource type under which the records domain logs deposits, corrections and revocations. */
export const ACHIEVEMENT_VERSION = 'achievement_version';

/**
 * Finds each version row by its primary key (learner id from the entry, "<achievementId>:<version>"
 * from its resource id) and only if it still names this entry, then rebuilds the body with the
 * records domain's own function: the same code at write time and at audit time.
 */
export const rebuildAchievementVersions: BodyRebuilder = async (db: Executor, entries: readonly EntryRef[]) => {
  const { rows } = await sql<VersionRow & { entry_id: number }>`
    select v.*, e.id as entry_id from ledger_entries e
      join achievement_versions v on v.learner_id = e.learner_id
        and v.achievement_id = split_part(e.resource_id, ':', 1)::uuid
        and v.version = split_part(e.resource_id, ':', 2)::int
        and v.ledger_entry_id = e.id
    where e.id = any(${entries.map((e) => e.id)}::bigint[])`.execute(db);
  return new Map(rows.map(({ entry_id, ...row }) => [Number(entry_id), achievementEventBody(row as VersionRow)]));
};
