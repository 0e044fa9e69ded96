import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { AchievementKeysTable, AchievementsTable, AchievementVersionsTable } from '../db/tables/records.js';
import type { VersionRow } from './achievement-rows.js';
import { unnestInsert, type Column } from '../db/bulk-insert.js';

export type AchievementRow = Selectable<AchievementsTable>;
export type KeyRow = Selectable<AchievementKeysTable>;

const ACHIEVEMENT_COLUMNS = ['learner_id', 'id', 'institution_id', 'external_id', 'source', 'created_at'] as const;
const VERSION_COLUMNS = ['learner_id', 'achievement_id', 'version', 'action', 'supersedes', 'catalogue_item_id', 'learning',
  'result', 'credits', 'credit_system_id', 'completed_on', 'term', 'assessment_mode', 'evidence_url', 'evidence_sha256',
  'reason', 'actor', 'recorded_at', 'ledger_entry_id'] as const;

const KEY_COLUMNS: Column<Insertable<AchievementKeysTable>>[] = [['institution_id', 'uuid[]'], ['external_id', 'text[]'],
  ['learner_id', 'uuid[]'], ['achievement_id', 'uuid[]'], ['content_hash', 'text[]']];
const ACHIEVEMENT_INSERT: Column<Insertable<AchievementsTable>>[] = [['learner_id', 'uuid[]'], ['id', 'uuid[]'], ['institution_id', 'uuid[]'],
  ['external_id', 'text[]'], ['source', 'text[]'], ['created_at', 'timestamptz[]']];
const VERSION_INSERT: Column<Insertable<AchievementVersionsTable>>[] = [['learner_id', 'uuid[]'], ['achievement_id', 'uuid[]'],
  ['version', 'int[]'], ['action', 'text[]'], ['supersedes', 'int[]'], ['catalogue_item_id', 'uuid[]'], ['learning', 'jsonb[]'],
  ['result', 'text[]'], ['credits', 'numeric[]'], ['credit_system_id', 'text[]'], ['completed_on', 'date[]'], ['term', 'text[]'],
  ['assessment_mode', 'text[]'], ['evidence_url', 'text[]'], ['evidence_sha256', 'text[]'], ['reason', 'text[]'], ['actor', 'text[]'],
  ['recorded_at', 'timestamptz[]'], ['ledger_entry_id', 'bigint[]']];

/** Claims natural keys in one statement; returns the ones this call inserted (the others already existed). */
export async function claimKeys(db: Executor, rows: Insertable<AchievementKeysTable>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const { rows: won } = await sql<{ external_id: string }>`${unnestInsert('achievement_keys', KEY_COLUMNS, rows)}
    on conflict (institution_id, external_id) do nothing returning external_id`.execute(db);
  return new Set(won.map((r) => r.external_id));
}

export function findKeys(db: Executor, institutionId: string, externalIds: string[]): Promise<KeyRow[]> {
  if (externalIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('achievement_keys').selectAll()
    .where('institution_id', '=', institutionId).where('external_id', 'in', externalIds).execute();
}

export async function insertAchievements(db: Executor, rows: Insertable<AchievementsTable>[]): Promise<void> {
  if (rows.length > 0) await unnestInsert('achievements', ACHIEVEMENT_INSERT, rows).execute(db);
}

/**
 * First versions of achievements created in the caller's transaction: no version of them can exist,
 * so a plain insert (ON CONFLICT's speculative insertion cost a probe and an extra WAL record per row).
 */
export async function insertFirstVersions(db: Executor, rows: Insertable<AchievementVersionsTable>[]): Promise<void> {
  if (rows.length > 0) await unnestInsert('achievement_versions', VERSION_INSERT, rows).execute(db);
}

/** Inserts versions; a version number already taken is skipped and left out of the result. */
export async function insertVersions(db: Executor, rows: Insertable<AchievementVersionsTable>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await sql`${unnestInsert('achievement_versions', VERSION_INSERT, rows)} on conflict do nothing`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

export function findAchievement(db: Executor, id: string): Promise<AchievementRow | undefined> {
  return db.selectFrom('achievements').select(ACHIEVEMENT_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function achievementsOf(db: Executor, learnerId: string, depositors?: string[]): Promise<AchievementRow[]> {
  let q = db.selectFrom('achievements').select(ACHIEVEMENT_COLUMNS).where('learner_id', '=', learnerId);
  if (depositors !== undefined) {
    if (depositors.length === 0) return Promise.resolve([]);
    q = q.where('institution_id', 'in', depositors);
  }
  return q.orderBy('created_at').orderBy('id').execute();
}

export function achievementsByIds(db: Executor, learnerId: string, ids: string[]): Promise<AchievementRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('achievements').select(ACHIEVEMENT_COLUMNS)
    .where('learner_id', '=', learnerId).where('id', 'in', ids).orderBy('created_at').execute();
}

/** Versions of some of a learner's achievements, or of all of them (one index range scan). */
export async function versionsOf(db: Executor, learnerId: string, achievementIds?: string[]): Promise<VersionRow[]> {
  if (achievementIds?.length === 0) return [];
  let q = db.selectFrom('achievement_versions').select(VERSION_COLUMNS).where('learner_id', '=', learnerId);
  if (achievementIds) q = q.where('achievement_id', 'in', achievementIds);
  const rows = await q.orderBy('achievement_id').orderBy('version').execute();
  return rows as VersionRow[];
}

/** Locks the achievement's identity row so corrections and revocations of it queue up. */
export async function lockAchievement(db: Executor, learnerId: string, id: string): Promise<void> {
  await db.selectFrom('achievements').select('id').where('learner_id', '=', learnerId).where('id', '=', id)
    .forUpdate().execute();
}
