import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { RecordShareAccessesTable, RecordSharesTable } from '../db/tables/records.js';

export type ShareRow = Selectable<RecordSharesTable>;
const SHARE_COLUMNS = ['learner_id', 'id', 'token_hash', 'whole_record', 'achievement_ids', 'recipient_name',
  'recipient_institution_id', 'purpose', 'expires_at', 'created_at', 'revoked_at'] as const;

export async function insertShare(db: Executor, row: Insertable<RecordSharesTable>): Promise<ShareRow> {
  return db.insertInto('record_shares').values(row).returning(SHARE_COLUMNS).executeTakeFirstOrThrow();
}

export function findShare(db: Executor, learnerId: string, id: string): Promise<ShareRow | undefined> {
  return db.selectFrom('record_shares').select(SHARE_COLUMNS).where('learner_id', '=', learnerId).where('id', '=', id).executeTakeFirst();
}

export function findShareByTokenHash(db: Executor, tokenHash: string): Promise<ShareRow | undefined> {
  return db.selectFrom('record_shares').select(SHARE_COLUMNS).where('token_hash', '=', tokenHash).executeTakeFirst();
}

export function sharesOf(db: Executor, learnerId: string): Promise<ShareRow[]> {
  return db.selectFrom('record_shares').select(SHARE_COLUMNS).where('learner_id', '=', learnerId).orderBy('created_at', 'desc').execute();
}

/** Active grants that name this institution as recipient. */
export function sharesGrantedTo(db: Executor, learnerId: string, institutionId: string, now: Date) {
  return db.selectFrom('record_shares').select(['whole_record', 'achievement_ids'])
    .where('learner_id', '=', learnerId).where('recipient_institution_id', '=', institutionId)
    .where('revoked_at', 'is', null).where('expires_at', '>', now).execute();
}

/** Revokes once; a second call leaves the first revocation time. */
export async function revokeShare(db: Executor, learnerId: string, id: string, at: Date): Promise<ShareRow | undefined> {
  await db.updateTable('record_shares').set({ revoked_at: at })
    .where('learner_id', '=', learnerId).where('id', '=', id).where('revoked_at', 'is', null).execute();
  return findShare(db, learnerId, id);
}

export async function insertAccess(db: Executor, row: Insertable<RecordShareAccessesTable>): Promise<void> {
  await db.insertInto('record_share_accesses').values(row).execute();
}

export function accessesOf(db: Executor, learnerId: string, shareId: string) {
  return db.selectFrom('record_share_accesses').select(['id', 'accessed_at', 'outcome', 'ip_hash', 'user_agent', 'recipient_name'])
    .where('learner_id', '=', learnerId).where('share_id', '=', shareId).orderBy('id', 'desc').limit(1000).execute();
}
