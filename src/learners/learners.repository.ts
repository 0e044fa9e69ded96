import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { LearnersTable } from '../db/tables/learners.js';

export type LearnerRow = Selectable<LearnersTable>;
const COLUMNS = ['id', 'identity_type', 'identity_hmac', 'identity_ciphertext', 'identity_masked', 'identity_country',
  'name', 'name_latin', 'birth_date', 'did', 'subject_salt', 'created_by', 'created_at'] as const;

/** Inserts unless the identity exists; returns undefined on conflict (the caller re-reads). */
export function insertLearnerIfAbsent(db: Executor, row: Insertable<LearnersTable>) {
  return db.insertInto('learners').values(row).onConflict((oc) => oc.column('identity_hmac').doNothing())
    .returning(COLUMNS).executeTakeFirst();
}

export function findLearner(db: Executor, id: string): Promise<LearnerRow | undefined> {
  return db.selectFrom('learners').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function findLearnerByHmac(db: Executor, hmac: string): Promise<LearnerRow | undefined> {
  return db.selectFrom('learners').select(COLUMNS).where('identity_hmac', '=', hmac).executeTakeFirst();
}

export function learnersExist(db: Executor, ids: string[]) {
  return db.selectFrom('learners').select('id').where('id', 'in', ids).execute();
}

export async function findLogin(db: Executor, issuer: string, subject: string): Promise<string | undefined> {
  const row = await db.selectFrom('learner_logins').select('learner_id')
    .where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
  return row?.learner_id;
}

export function insertLogin(db: Executor, issuer: string, subject: string, learnerId: string) {
  return db.insertInto('learner_logins').values({ issuer, subject, learner_id: learnerId })
    .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing()).execute();
}

export function updateLearnerDid(db: Executor, id: string, did: string | null) {
  return db.updateTable('learners').set({ did }).where('id', '=', id).execute();
}
