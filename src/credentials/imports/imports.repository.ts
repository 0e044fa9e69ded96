import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { CredentialImportsTable } from '../../db/tables/credentials.js';

export type ImportRow = Selectable<CredentialImportsTable>;

/** What the record's marks need: everything but the original and its checks. */
const MARK_COLUMNS = ['learner_id', 'id', 'digest', 'format', 'verification', 'verified', 'trusted_issuer', 'issuer', 'name',
  'created_at', 'trust_entry_id', 'part_of'] as const;
const COLUMNS = [...MARK_COLUMNS, 'original', 'checks'] as const;

export type ImportMarkRow = Pick<ImportRow, (typeof MARK_COLUMNS)[number]>;

export function findByDigest(db: Executor, learnerId: string, digest: string): Promise<ImportRow | undefined> {
  return db.selectFrom('credential_imports').select(COLUMNS).where('learner_id', '=', learnerId).where('digest', '=', digest).executeTakeFirst();
}

/** The learner's imports with these digests (a CLR's bundled credentials, wherever they were imported from). */
export function findByDigests(db: Executor, learnerId: string, digests: string[]): Promise<ImportRow[]> {
  if (digests.length === 0) return Promise.resolve([]);
  return db.selectFrom('credential_imports').select(COLUMNS).where('learner_id', '=', learnerId).where('digest', 'in', digests).execute();
}

export function insertImport(db: Executor, row: Insertable<CredentialImportsTable>): Promise<unknown> {
  return db.insertInto('credential_imports').values(row).execute();
}

/** A page of a learner's imports, newest first, after the (created_at, id) keyset position; limit+1 rows. */
export function importsOf(db: Executor, learnerId: string, q: { before?: [Date, string]; limit: number }): Promise<ImportRow[]> {
  let query = db.selectFrom('credential_imports').select(COLUMNS).where('learner_id', '=', learnerId);
  if (q.before) {
    const [at, id] = q.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
}

/** Every import of a learner, newest first, with its original. */
export function allImportsOf(db: Executor, learnerId: string): Promise<ImportRow[]> {
  return db.selectFrom('credential_imports').select(COLUMNS).where('learner_id', '=', learnerId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** Every import of a learner, newest first, without the originals (the transcript shows marks only). */
export function importMarksOf(db: Executor, learnerId: string): Promise<ImportMarkRow[]> {
  return db.selectFrom('credential_imports').select(MARK_COLUMNS).where('learner_id', '=', learnerId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}
