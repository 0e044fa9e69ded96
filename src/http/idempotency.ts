import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../auth/principal.js';
import type { Db } from '../db/database.js';
import { AppError, conflict } from '../errors.js';
import './fastify-types.js';

const ABANDONED_MS = 5 * 60_000;
// A second request with a key still in progress waits this long for the first to finish and
// replays its response; only past it does it answer 409 idempotency_in_progress.
const IN_PROGRESS_WAIT_MS = 5_000;
const POLL_MS = 25;
const claimed = new WeakMap<FastifyRequest, { principal: string; key: string }>();

function requestHash(req: FastifyRequest): string {
  return createHash('sha256').update(`${req.method} ${req.url}\n`).update(JSON.stringify(req.body ?? null)).digest('hex');
}

async function claim(db: Db, req: FastifyRequest, reply: FastifyReply, key: string) {
  const principal = actorOf(req.principal);
  const hash = requestHash(req);
  const inserted = await db.insertInto('idempotency_keys')
    .values({ principal_id: principal, key, route: req.routeOptions.url ?? req.url, request_hash: hash, status_code: null, response: null })
    .onConflict((oc) => oc.columns(['principal_id', 'key']).doNothing()).returning('key').executeTakeFirst();
  if (inserted) return claimed.set(req, { principal, key });
  const deadline = Date.now() + IN_PROGRESS_WAIT_MS;
  for (;;) {
    const row = await db.selectFrom('idempotency_keys').select(['request_hash', 'status_code', 'response', 'created_at'])
      .where('principal_id', '=', principal).where('key', '=', key).executeTakeFirst();
    // The first request failed with a 5xx (its claim is dropped): this one takes the key.
    if (!row) return claim(db, req, reply, key);
    if (row.request_hash !== hash) {
      throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request', { errors: [{ pointer: '/headers/idempotency-key', message: 'reused with another body' }] });
    }
    if (row.status_code !== null) {
      return reply.code(row.status_code).header('idempotent-replayed', 'true').type(contentTypeFor(row.status_code)).send(row.response);
    }
    if (Date.now() - row.created_at.getTime() >= ABANDONED_MS) {
      await db.deleteFrom('idempotency_keys').where('principal_id', '=', principal).where('key', '=', key).execute();
      return claim(db, req, reply, key);
    }
    if (Date.now() >= deadline) throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry later');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const contentTypeFor = (status: number) => (status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8');

/** Idempotency-Key support for routes with `config.idempotent`: a retry replays the stored response. */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.addHook('preHandler', async (req, reply) => {
    if (!req.routeOptions.config?.idempotent) return;
    const key = req.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–200 visible ASCII characters', { errors: [{ pointer: '/headers/idempotency-key', message: 'invalid' }] });
    }
    return claim(db, req, reply, key);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const c = claimed.get(req);
    if (!c) return payload;
    claimed.delete(req);
    const where = db.updateTable('idempotency_keys').where('principal_id', '=', c.principal).where('key', '=', c.key);
    if (reply.statusCode >= 500) {
      await db.deleteFrom('idempotency_keys').where('principal_id', '=', c.principal).where('key', '=', c.key).execute();
    } else {
      const text = typeof payload === 'string' ? payload : payload === null || payload === undefined ? 'null' : String(payload);
      await where.set({ status_code: reply.statusCode, response: text }).execute();
    }
    return payload;
  });
}
