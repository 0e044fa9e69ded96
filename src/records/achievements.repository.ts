import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { AchievementKeysTable, AchievementsTable, AchievementVersionsTable } from '../db/tables/records.js';
import type { VersionRow } from './achievement-rows.js';

export type AchievementRow = Selectable<AchievementsTable>;
export type KeyRow = Selectable<AchievementKeysTable>;

const ACHIEVEMENT_COLUMNS = ['learner_id', 'id', 'institution_id', 'external_id', 'source', 'created_at'] as const;
const VERSION_COLUMNS = ['learner_id', 'achievement_id', 'version', 'action', 'supersedes', 'catalogue_item_id', 'learning',
  'result', 'credits', 'credit_system_id', 'completed_on', 'term', 'assessment_mode', 'evidence_url', 'evidence_sha256',
  'reason', 'actor', 'recorded_at', 'ledger_entry_id'] as const;

/** Claims natural keys; returns the ones this call inserted (the others already existed). */
export async function claimKeys(db: Executor, rows: Insertable<AchievementKeysTable>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const won = await db.insertInto('achievement_keys').values(rows)
    .onConflict((oc) => oc.columns(['institution_id', 'external_id']).doNothing())
    .returning('external_id').execute();
  return new Set(won.map((r) => r.external_id));
}

export function findKeys(db: Executor, institutionId: string, externalIds: string[]): Promise<KeyRow[]> {
  if (externalIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('achievement_keys').selectAll()
    .where('institution_id', '=', institutionId).where('external_id', 'in', externalIds).execute();
}

export async function insertAchievements(db: Executor, rows: Insertable<AchievementsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('achievements').values(rows).execute();
}

/** Inserts versions; a version number already taken is skipped and left out of the result. */
export async function insertVersions(db: Executor, rows: Insertable<AchievementVersionsTable>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db.insertInto('achievement_versions').values(rows).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
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
