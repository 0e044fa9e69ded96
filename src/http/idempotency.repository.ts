import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** A stored request: its hash, and its answer once it has one (status_code null while in progress). */
export interface IdempotencyRow { request_hash: string; status_code: number | null; response: unknown; created_at: Date; expired: boolean }

export async function claimKey(db: Db, row: { principal: string; key: string; route: string; hash: string }): Promise<boolean> {
  const inserted = await db.insertInto('idempotency_keys')
    .values({ principal_id: row.principal, key: row.key, route: row.route, request_hash: row.hash, status_code: null, response: null })
    .onConflict((oc) => oc.columns(['principal_id', 'key']).doNothing()).returning('key').executeTakeFirst();
  return inserted !== undefined;
}

/** The stored request, and whether it is older than `ttlMs` by the database's clock (the one that set created_at). */
export function findKey(db: Db, principal: string, key: string, ttlMs: number): Promise<IdempotencyRow | undefined> {
  return db.selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response', 'created_at', sql<boolean>`created_at < now() - make_interval(secs => ${ttlMs / 1000})`.as('expired')])
    .where('principal_id', '=', principal).where('key', '=', key).executeTakeFirst();
}

export async function answerKey(db: Db, principal: string, key: string, statusCode: number, response: string): Promise<void> {
  await db.updateTable('idempotency_keys').set({ status_code: statusCode, response })
    .where('principal_id', '=', principal).where('key', '=', key).execute();
}

export async function dropKey(db: Db, principal: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('principal_id', '=', principal).where('key', '=', key).execute();
}

/** Drops the stored request if it is older than `ttlMs` (and only then: another request may have just claimed the key afresh). */
export async function dropKeyOlderThan(db: Db, principal: string, key: string, ttlMs: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('principal_id', '=', principal).where('key', '=', key)
    .where(sql<boolean>`created_at < now() - make_interval(secs => ${ttlMs / 1000})`).execute();
}

/**
 * Deletes up to `limit` stored requests older than `ttlMs` (oldest first, through the created_at
 * index), so that one purge never holds locks on a large part of the table; returns how many.
 */
export async function purgeExpired(db: Db, ttlMs: number, limit: number): Promise<number> {
  const r = await sql<{ principal_id: string }>`
    delete from idempotency_keys where (principal_id, key) in (
      select principal_id, key from idempotency_keys
      where created_at < now() - make_interval(secs => ${ttlMs / 1000})
      order by created_at limit ${limit})
    returning principal_id`.execute(db);
  return r.rows.length;
}
