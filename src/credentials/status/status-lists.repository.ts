import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { StatusListsTable } from '../../db/tables/credentials.js';

export type StatusPurpose = StatusListsTable['purpose'];

/**
 * PostgreSQL numbers bytea bits from the least significant bit of each byte; Bitstring Status List
 * index 0 is the most significant bit of the first byte. This maps one onto the other.
 */
export const pgBit = (index: number) => (index >> 3) * 8 + (7 - (index & 7));

/**
 * Takes up to `n` consecutive sequence numbers of the oldest open list of the issuer in one
 * statement (fewer if the list fills up; the caller asks again for the rest).
 */
export async function claimSlots(db: Executor, issuerRef: string, purpose: StatusPurpose, n: number) {
  const r = await sql<{ id: string; start: number; count: number; capacity: number }>`
    with o as (select id, allocated, capacity from status_lists where issuer_ref = ${issuerRef} and purpose = ${purpose}
               and allocated < capacity order by created_at limit 1 for update)
    update status_lists s set allocated = o.allocated + least(${n}::int, o.capacity - o.allocated)
    from o where s.id = o.id
    returning s.id, o.allocated as start, s.allocated - o.allocated as count, s.capacity`.execute(db);
  const row = r.rows[0];
  return row ? { id: row.id, start: Number(row.start), count: Number(row.count), capacity: Number(row.capacity) } : undefined;
}

/** Serialises list creation per issuer and purpose for the rest of the transaction. */
export async function lockIssuerLists(db: Executor, issuerRef: string, purpose: StatusPurpose): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`status-list:${issuerRef}:${purpose}`}))`.execute(db);
}

export async function hasOpenList(db: Executor, issuerRef: string, purpose: StatusPurpose): Promise<boolean> {
  const row = await db.selectFrom('status_lists').select('id').where('issuer_ref', '=', issuerRef).where('purpose', '=', purpose)
    .whereRef('allocated', '<', 'capacity').limit(1).executeTakeFirst();
  return row !== undefined;
}

export function insertList(db: Executor, row: { id: string; issuer_ref: string; issuer_did: string; purpose: StatusPurpose; capacity: number; created_at: Date }) {
  return db.insertInto('status_lists').values({ ...row, bits: new Uint8Array(row.capacity / 8), signed_version: null, signed: null }).execute();
}

/** Sets or clears one bit in a single UPDATE: the row lock serialises writers, so no change is lost. */
export async function setStatusBit(db: Executor, listId: string, index: number, value: boolean): Promise<void> {
  await sql`update status_lists set bits = set_bit(bits, ${pgBit(index)}, ${value ? 1 : 0}), version = version + 1
    where id = ${listId}`.execute(db);
}

export async function getStatusBit(db: Executor, listId: string, index: number): Promise<boolean | undefined> {
  const r = await sql<{ bit: number }>`select get_bit(bits, ${pgBit(index)}) as bit from status_lists where id = ${listId}`.execute(db);
  return r.rows[0] === undefined ? undefined : r.rows[0].bit === 1;
}

export function findList(db: Executor, id: string) {
  return db.selectFrom('status_lists')
    .select(['id', 'issuer_ref', 'issuer_did', 'purpose', 'capacity', 'allocated', 'bits', 'version', 'signed_version', 'signed'])
    .where('id', '=', id).executeTakeFirst();
}

/** Stores a signed list credential unless the list changed meanwhile (a newer signing wins). */
export function storeSigned(db: Executor, id: string, version: number, signed: unknown) {
  return db.updateTable('status_lists').set({ signed: JSON.stringify(signed), signed_version: version })
    .where('id', '=', id).where('version', '=', version).execute();
}

/**
 * Drops the stored signatures of an issuer's lists whose proof used one of its keys, so the next read
 * re-signs them with its active key (a list signed by a revoked key would fail every outside check).
 */
export function forgetSignaturesBy(db: Executor, issuerRef: string, verificationMethod: string) {
  return db.updateTable('status_lists').set({ signed: null, signed_version: null })
    .where('issuer_ref', '=', issuerRef)
    .where(sql<boolean>`signed->'proof'->>'verificationMethod' = ${verificationMethod}`).execute();
}
