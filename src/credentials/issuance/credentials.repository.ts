import { sql, type Insertable, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { textArrayFromJson, unnestInsert, type Column } from '../../db/bulk-insert.js';
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

/** The columns an issue writes, sent as one array each (see unnestInsert); status takes its default. */
const INSERT_COLUMNS: Column<Insertable<CredentialsTable>>[] = [
  ['learner_id', 'uuid[]'], ['id', 'uuid[]'], ['issuer_ref', 'text[]'], ['issuer_did', 'text[]'], ['key_id', 'text[]'], ['format', 'text[]'],
  ['kind', 'text[]'], ['issuance_key', 'text[]'], ['document', 'jsonb[]'], ['jwt', 'text[]'], ['source_ids', 'jsonb[]', textArrayFromJson],
  ['status_reason', 'text[]'], ['revocation_list_id', 'uuid[]'], ['revocation_index', 'int4[]'], ['suspension_list_id', 'uuid[]'],
  ['suspension_index', 'int4[]'], ['valid_from', 'timestamptz[]'], ['valid_until', 'timestamptz[]'], ['issued_at', 'timestamptz[]'],
];

/**
 * Inserts many in one statement together with what must be written for exactly the rows inserted
 * (their audit lines and ledger entries: each of `logs` is given the subquery of the inserted ids,
 * as text, and returns its insert), in a data-modifying WITH: one round trip, and one statement, so
 * no explicit transaction is needed for them to commit together. Returns the ids inserted; rows that
 * lost a race are left out: on the natural key (the same credential, issued concurrently) or on the
 * id (a caller-chosen id taken meanwhile). Only ids come back: the caller has the rows, and sending
 * every signed document back to be parsed again was a third of a batch's storing time.
 */
export async function insertCredentialsLogged(db: Executor, rows: Insertable<CredentialsTable>[],
  logs: ((insertedIds: RawBuilder<unknown>) => RawBuilder<unknown>)[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const ids = sql`select c.id::text from c`;
  const { rows: inserted } = await sql<{ id: string }>`
    with c as (${unnestInsert('credentials', INSERT_COLUMNS, rows)} on conflict do nothing returning id),
    ${sql.join(logs.map((log, i) => sql`${sql.raw(`w${i}`)} as (${log(ids)})`))}
    select id from c`.execute(db);
  return new Set(inserted.map((r) => r.id));
}

/** Candidates for many natural keys in one query; the caller matches learner and format. */
export function findByIssuanceKeys(db: Executor, issuerRefs: string[], issuanceKeys: string[]) {
  return db.selectFrom('credentials').select(COLUMNS).where('issuer_ref', 'in', [...new Set(issuerRefs)])
    .where('issuance_key', 'in', [...new Set(issuanceKeys)]).execute();
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

export function findCredentials(db: Executor, ids: string[]): Promise<CredentialRow[]> {
  return db.selectFrom('credentials').select(COLUMNS).where('id', 'in', ids).execute();
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

/** The credential columns that its credential.issued body records (see issuedEventBody), not the document. */
export const ISSUED_BODY_COLUMNS = ['id', 'issuer_did', 'key_id', 'format', 'kind', 'source_ids', 'revocation_list_id', 'revocation_index',
  'suspension_list_id', 'suspension_index'] as const;

/** The credential.issued ledger entry of a credential. */
export function findIssuedEntry(db: Executor, credentialId: string) {
  return db.selectFrom('ledger_entries').select(['id', 'body_digest', 'leaf_index', 'recorded_at'])
    .where('resource_type', '=', 'credential').where('resource_id', '=', credentialId)
    .where('event_type', '=', 'credential.issued').executeTakeFirst();
}
