import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { CredentialsTable } from '../../db/tables/credentials.js';

export type CredentialRow = Selectable<CredentialsTable>;
const COLUMNS = ['learner_id', 'id', 'issuer_ref', 'issuer_did', 'key_id', 'format', 'kind', 'issuance_key', 'document', 'jwt',
  'source_ids', 'status', 'status_reason', 'revocation_list_id', 'revocation_index', 'suspension_list_id', 'suspension_index',
  'valid_from', 'valid_until', 'issued_at'] as const;

/** Inserts unless the same (learner, issuer, issuance key, format) exists; returns the row when inserted. */
export function insertCredential(db: Executor, row: Insertable<CredentialsTable>): Promise<CredentialRow | undefined> {
  return db.insertInto('credentials').values(row)
    .onConflict((oc) => oc.columns(['learner_id', 'issuer_ref', 'issuance_key', 'format']).doNothing())
    .returning(COLUMNS).executeTakeFirst();
}

export function findByIssuanceKey(db: Executor, learnerId: string | null, issuerRef: string, issuanceKey: string, format: CredentialRow['format']) {
  let q = db.selectFrom('credentials').select(COLUMNS).where('issuer_ref', '=', issuerRef)
    .where('issuance_key', '=', issuanceKey).where('format', '=', format);
  q = learnerId === null ? q.where('learner_id', 'is', null) : q.where('learner_id', '=', learnerId);
  return q.executeTakeFirst();
}

export function findCredential(db: Executor, id: string): Promise<CredentialRow | undefined> {
  return db.selectFrom('credentials').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function lockCredential(db: Executor, id: string): Promise<CredentialRow | undefined> {
  return db.selectFrom('credentials').select(COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function listForLearner(db: Executor, learnerId: string, kinds?: string[]) {
  let q = db.selectFrom('credentials').select(COLUMNS).where('learner_id', '=', learnerId).orderBy('issued_at');
  if (kinds) q = q.where('kind', 'in', kinds);
  return q.execute();
}

/** Credentials of a learner resting on a record achievement (for revocation cascades). */
export function findBySource(db: Executor, learnerId: string, sourceId: string) {
  return db.selectFrom('credentials').select(COLUMNS).where('learner_id', '=', learnerId)
    .where(sql<boolean>`source_ids @> array[${sourceId}]::text[]`).execute();
}

export function setStatus(db: Executor, id: string, status: CredentialRow['status'], reason: string | null) {
  return db.updateTable('credentials').set({ status, status_reason: reason }).where('id', '=', id).execute();
}

/** The credential.issued ledger entry of a credential. */
export function findIssuedEntry(db: Executor, credentialId: string) {
  return db.selectFrom('ledger_entries').select(['id', 'body_digest', 'leaf_index', 'recorded_at'])
    .where('resource_type', '=', 'credential').where('resource_id', '=', credentialId)
    .where('event_type', '=', 'credential.issued').executeTakeFirst();
}
