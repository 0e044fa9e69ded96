import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { TrustedIssuersTable } from '../../db/tables/credentials.js';

export type TrustedIssuerRow = Selectable<TrustedIssuersTable>;

const COLUMNS = ['id', 'issuer_id', 'kind', 'name_zh', 'name_en', 'did_document', 'public_keys', 'added_by', 'added_at',
  'removed_at', 'removed_by', 'removal_reason'] as const;

export function insertEntry(db: Executor, row: Insertable<TrustedIssuersTable>): Promise<unknown> {
  return db.insertInto('trusted_issuers').values(row).execute();
}

export function findEntry(db: Executor, id: string): Promise<TrustedIssuerRow | undefined> {
  return db.selectFrom('trusted_issuers').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function findEntries(db: Executor, ids: string[]): Promise<TrustedIssuerRow[]> {
  return ids.length === 0 ? Promise.resolve([]) : db.selectFrom('trusted_issuers').select(COLUMNS).where('id', 'in', ids).execute();
}

/** The entry in force for an issuer (at most one). */
export function activeEntry(db: Executor, issuerId: string): Promise<TrustedIssuerRow | undefined> {
  return db.selectFrom('trusted_issuers').select(COLUMNS).where('issuer_id', '=', issuerId).where('removed_at', 'is', null).executeTakeFirst();
}

/** The latest entry for an issuer, removed or not: its key material still verifies signatures. */
export function latestEntry(db: Executor, issuerId: string): Promise<TrustedIssuerRow | undefined> {
  return db.selectFrom('trusted_issuers').select(COLUMNS).where('issuer_id', '=', issuerId)
    .orderBy('added_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The latest entry holding an Open Badges 2.0 key with this id (verification.creator). */
export async function entryWithKey(db: Executor, keyId: string): Promise<TrustedIssuerRow | undefined> {
  return db.selectFrom('trusted_issuers').select(COLUMNS)
    .where('public_keys', '@>', JSON.stringify([{ id: keyId }]) as never)
    .orderBy('added_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export function listEntries(db: Executor, q: { includeRemoved: boolean; after?: [string, string]; limit: number }): Promise<TrustedIssuerRow[]> {
  let query = db.selectFrom('trusted_issuers').select(COLUMNS);
  if (!q.includeRemoved) query = query.where('removed_at', 'is', null);
  if (q.after) {
    const [at, id] = q.after;
    query = query.where((eb) => eb.or([eb('added_at', '>', new Date(at)), eb.and([eb('added_at', '=', new Date(at)), eb('id', '>', id)])]));
  }
  return query.orderBy('added_at').orderBy('id').limit(q.limit + 1).execute();
}

/** Records the removal once; false when the entry was already removed (a concurrent removal won). */
export async function markRemoved(db: Executor, id: string, r: { at: Date; by: string; reason: string }): Promise<boolean> {
  const row = await db.updateTable('trusted_issuers').set({ removed_at: r.at, removed_by: r.by, removal_reason: r.reason })
    .where('id', '=', id).where('removed_at', 'is', null).returning('id').executeTakeFirst();
  return row !== undefined;
}
