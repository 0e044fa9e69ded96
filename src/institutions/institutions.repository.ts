import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { ApiClientsTable, InstitutionsTable } from '../db/tables/institutions.js';

export type InstitutionRow = Selectable<InstitutionsTable>;
export type ClientRow = Selectable<ApiClientsTable>;
const INSTITUTION_COLUMNS = ['id', 'slug', 'name_zh', 'name_en', 'kind', 'region_code', 'country', 'uscc', 'did', 'status', 'created_at'] as const;
const CLIENT_COLUMNS = ['id', 'kind', 'institution_id', 'name', 'secret_hash', 'scopes', 'created_at', 'revoked_at'] as const;

/** Inserts unless the id, slug, credit code or did is taken; returns undefined then (the caller re-reads). */
export function insertInstitutionIfAbsent(db: Executor, row: Insertable<InstitutionsTable>): Promise<InstitutionRow | undefined> {
  return db.insertInto('institutions').values(row).onConflict((oc) => oc.doNothing())
    .returning(INSTITUTION_COLUMNS).executeTakeFirst();
}

export function findInstitution(db: Executor, id: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institutions').select(INSTITUTION_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function findInstitutionBySlug(db: Executor, slug: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institutions').select(INSTITUTION_COLUMNS).where('slug', '=', slug).executeTakeFirst();
}

export function findInstitutionByUscc(db: Executor, uscc: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institutions').select(INSTITUTION_COLUMNS).where('uscc', '=', uscc).executeTakeFirst();
}

/** The names of these institutions (UUIDs; unknown ones are left out). */
export async function institutionNames(db: Executor, ids: string[]): Promise<{ id: string; name_zh: string | null; name_en: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('institutions').select(['id', 'name_zh', 'name_en']).where('id', 'in', ids).execute();
}

export async function slugsLike(db: Executor, base: string): Promise<string[]> {
  const rows = await db.selectFrom('institutions').select('slug').where('slug', 'like', `${base}%`).execute();
  return rows.map((r) => r.slug);
}

export function listInstitutions(db: Executor, opts: { limit: number; after?: string; kind?: string }) {
  let q = db.selectFrom('institutions').select(INSTITUTION_COLUMNS).orderBy('slug').limit(opts.limit + 1);
  if (opts.after !== undefined) q = q.where('slug', '>', opts.after);
  if (opts.kind !== undefined) q = q.where('kind', '=', opts.kind);
  return q.execute();
}

export function insertClient(db: Executor, row: Insertable<ApiClientsTable>) {
  return db.insertInto('api_clients').values(row).execute();
}

/** Inserts unless the client id is taken; true when this call inserted it. */
export async function insertClientIfAbsent(db: Executor, row: Insertable<ApiClientsTable>): Promise<boolean> {
  const inserted = await db.insertInto('api_clients').values(row).onConflict((oc) => oc.column('id').doNothing())
    .returning('id').executeTakeFirst();
  return inserted !== undefined;
}

export function findClient(db: Executor, id: string): Promise<ClientRow | undefined> {
  return db.selectFrom('api_clients').select(CLIENT_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** An institution's API clients, oldest first (never more than a few dozen). */
export function listClients(db: Executor, institutionId: string): Promise<ClientRow[]> {
  return db.selectFrom('api_clients').select(CLIENT_COLUMNS).where('institution_id', '=', institutionId).orderBy('created_at').orderBy('id').execute();
}

/**
 * Marks the client revoked unless it is already (and, given an institution, only that institution's
 * client); the revoked row, or undefined when nothing changed.
 */
export function revokeClient(db: Executor, id: string, institutionId: string | undefined, at: Date): Promise<ClientRow | undefined> {
  let q = db.updateTable('api_clients').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null);
  if (institutionId !== undefined) q = q.where('institution_id', '=', institutionId);
  return q.returning(CLIENT_COLUMNS).executeTakeFirst();
}

/** Ids of the operator clients not revoked, locked until the transaction ends (so two revocations cannot both pass a count). */
export async function lockActiveOperators(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('api_clients').select('id').where('kind', '=', 'operator').where('revoked_at', 'is', null)
    .orderBy('id').forUpdate().execute();
  return rows.map((r) => r.id);
}

/** Ids of the clients revoked after `since` (a handful: revocations are rare and the window is a token lifetime). */
export async function clientsRevokedSince(db: Executor, since: Date): Promise<string[]> {
  const rows = await db.selectFrom('api_clients').select('id').where('revoked_at', '>', since).execute();
  return rows.map((r) => r.id);
}

export function countOperators(db: Executor) {
  return db.selectFrom('api_clients').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'operator').where('revoked_at', 'is', null).executeTakeFirstOrThrow();
}
