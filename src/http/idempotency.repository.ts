import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** A stored request: its hash, and its answer once it has one (status_code null while in progress). */
export interface IdempotencyRow { request_hash: string; status_code: number | null; response: unknown; response_headers: Record<string, string> | null }

/** `column` is more than `ms` in the past, by the database's clock (the one that sets created_at). */
const olderThan = (column: string, ms: number) => sql<boolean>`${sql.ref(column)} < now() - make_interval(secs => ${ms / 1000})`;

/**
 * Claims the key for this request: a new row, or one that has expired (past `ttlMs`, whatever it was
 * used for) or was abandoned (no answer after `abandonedMs`: its process died) by the same request.
 * True when this call holds the key.
 */
export async function claimKey(db: Db, row: { principal: string; key: string; route: string; hash: string }, ttlMs: number, abandonedMs: number): Promise<boolean> {
  const r = await sql<{ key: string }>`
    insert into idempotency_keys (principal_id, key, route, request_hash, status_code, response)
    values (${row.principal}, ${row.key}, ${row.route}, ${row.hash}, null, null)
    on conflict (principal_id, key) do update
      set route = excluded.route, request_hash = excluded.request_hash, status_code = null, response = null, response_headers = null, created_at = now()
      where ${olderThan('idempotency_keys.created_at', ttlMs)}
        or (idempotency_keys.status_code is null and idempotency_keys.request_hash = excluded.request_hash
          and ${olderThan('idempotency_keys.created_at', abandonedMs)})
    returning key`.execute(db);
  return r.rows.length > 0;
}

export function findKey(db: Db, principal: string, key: string): Promise<IdempotencyRow | undefined> {
  return db.selectFrom('idempotency_keys').select(['request_hash', 'status_code', 'response', 'response_headers'])
    .where('principal_id', '=', principal).where('key', '=', key).executeTakeFirst();
}

export async function answerKey(db: Db, principal: string, key: string, statusCode: number, response: string, headers: Record<string, string>): Promise<void> {
  await db.updateTable('idempotency_keys').set({ status_code: statusCode, response, response_headers: JSON.stringify(headers) })
    .where('principal_id', '=', principal).where('key', '=', key).execute();
}

export async function dropKey(db: Db, principal: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('principal_id', '=', principal).where('key', '=', key).execute();
}

/**
 * Deletes up to `limit` stored requests older than `ttlMs` (oldest first, through the created_at
 * index), so that one purge never holds locks on a large part of the table; returns how many.
 */
export async function purgeExpired(db: Db, ttlMs: number, limit: number): Promise<number> {
  const r = await sql<{ principal_id: string }>`
    delete from idempotency_keys where (principal_id, key) in (
      select principal_id, key from idempotency_keys
      where ${olderThan('created_at', ttlMs)}
      order by created_at limit ${limit})
    returning principal_id`.execute(db);
  return r.rows.length;
}
