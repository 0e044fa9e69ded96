import { Decimal } from 'decimal.js';
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { BodyRebuilder, EntryRef } from '../ledger/body-registry.js';
import type { AwardRow, RescissionRow } from './awards.repository.js';

export const AWARD_RESOURCE = 'award';
export const RESCISSION_RESOURCE = 'award_rescission';

/** The body of qualification.awarded: rebuildable from the awards row (the snapshot by its digest). */
export function awardedEventBody(r: Pick<AwardRow, 'id' | 'programme_id' | 'programme_version' | 'institution_id' | 'snapshot_digest' | 'total_credits' | 'awarded_at'>) {
  return {
    awardId: r.id, programmeId: r.programme_id, programmeVersion: r.programme_version, institutionId: r.institution_id,
    snapshotDigest: r.snapshot_digest, totalCredits: new Decimal(r.total_credits).toString(), awardedAt: new Date(r.awarded_at).toISOString(),
  };
}

export function rescindedEventBody(r: Pick<RescissionRow, 'award_id' | 'reason' | 'rescinded_at'>) {
  return { awardId: r.award_id, reason: r.reason, rescindedAt: new Date(r.rescinded_at).toISOString() };
}

/** For the ledger's database check: awards whose row still names the entry. */
export const rebuildAwards: BodyRebuilder = async (db: Executor, entries: readonly EntryRef[]) => {
  const { rows } = await sql<AwardRow & { entry_id: string | number }>`
    select a.id, a.programme_id, a.programme_version, a.institution_id, a.snapshot_digest, a.total_credits::text as total_credits,
      a.awarded_at, e.id as entry_id
    from ledger_entries e join awards a on a.learner_id = e.learner_id and a.id::text = e.resource_id and a.ledger_entry_id = e.id
    where e.id = any(${entries.map((e) => e.id)}::bigint[])`.execute(db);
  return new Map(rows.map((r) => [Number(r.entry_id), awardedEventBody(r)]));
};

export const rebuildRescissions: BodyRebuilder = async (db: Executor, entries: readonly EntryRef[]) => {
  const { rows } = await sql<RescissionRow & { entry_id: string | number }>`
    select r.award_id, r.reason, r.rescinded_at, e.id as entry_id
    from ledger_entries e join award_rescissions r on r.learner_id = e.learner_id and r.award_id::text = e.resource_id and r.ledger_entry_id = e.id
    where e.id = any(${entries.map((e) => e.id)}::bigint[])`.execute(db);
  return new Map(rows.map((r) => [Number(r.entry_id), rescindedEventBody(r)]));
};
