import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/principal.js';
import type { Db } from '../db/database.js';
import { AppError, conflict } from '../errors.js';
import { open, seal } from '../keys/envelope.js';
import * as repo from './idempotency.repository.js';
import './fastify-types.js';

/** A claim whose request never answered (its process died) is taken over after this long. */
const ABANDONED_MS = 5 * 60_000;
// A second request with a key still in progress waits this long for the first to finish and
// replays its response; only past it does it answer 409 idempotency_in_progress.
const IN_PROGRESS_WAIT_MS = 5_000;
const POLL_MS = 25;
/** Headers that are part of the answer, so a replay carries them too (not per-request ones such as x-request-id). */
const REPLAYED_HEADERS = ['location', 'content-type'] as const;
const claimed = new WeakMap<FastifyRequest, { principal: string; key: string }>();

export interface IdempotencyOptions {
  /** How long a stored response is replayed; after that the key may be used afresh. */
  ttlMs: number;
  /** Seals responses of routes marked `idempotent: 'sealed'` (ones that carry a secret) at rest. */
  sealKey: Buffer;
}

/** A sealed response as stored: the AES-256-GCM envelope of the response text. */
interface SealedResponse { sealed: string }

function requestHash(req: FastifyRequest): string {
  return createHash('sha256').update(`${req.method} ${req.url}\n`).update(JSON.stringify(req.body ?? null)).digest('hex');
}

const sealsResponse = (req: FastifyRequest) => req.routeOptions.config?.idempotent === 'sealed';
const aadOf = (principal: string, key: string) => `idempotency:${principal}\n${key}`;

async function claim(db: Db, opts: IdempotencyOptions, req: FastifyRequest, reply: FastifyReply, key: string) {
  const principal = actorOf(req.principal);
  const hash = requestHash(req);
  const request = { principal, key, route: req.routeOptions.url ?? req.url, hash };
  const deadline = Date.now() + IN_PROGRESS_WAIT_MS;
  for (;;) {
    // Taken afresh when free, expired, or abandoned by the same request; also after the first
    // request failed with a 5xx (its claim is dropped).
    if (await repo.claimKey(db, request, opts.ttlMs, ABANDONED_MS)) return claimed.set(req, { principal, key });
    const row = await repo.findKey(db, principal, key);
    if (!row) continue;
    if (row.request_hash !== hash) {
      throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request', { errors: [{ pointer: '/headers/idempotency-key', message: 'reused with another body' }] });
    }
    if (row.status_code !== null) {
      const response = sealsResponse(req) ? JSON.parse(open(opts.sealKey, (row.response as SealedResponse).sealed, aadOf(principal, key))) : row.response;
      reply.code(row.status_code).header('idempotent-replayed', 'true').type(contentTypeFor(row.status_code));
      for (const [name, value] of Object.entries(row.response_headers ?? {})) reply.header(name, value);
      return reply.send(response);
    }
    if (Date.now() >= deadline) throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry later');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const contentTypeFor = (status: number) => (status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8');

/**
 * Idempotency-Key support for routes with `config.idempotent`: a retry within `ttlMs` replays the
 * stored response. A route whose response carries a secret (`'sealed'`) has it stored sealed.
 */
export function registerIdempotency(app: FastifyInstance, db: Db, opts: IdempotencyOptions): void {
  // The header is declared on the routes that honour it, so the API document says which do. Its
  // syntax is checked below (400 invalid_idempotency_key), not by the schema.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    if (route.schema?.headers) throw new Error(`Route ${route.url}: idempotent routes declare no headers of their own`);
    route.schema = { ...route.schema, headers: idempotencyHeader(opts.ttlMs) };
  });
  app.addHook('preHandler', async (req, reply) => {
    if (!req.routeOptions.config?.idempotent) return;
    const key = req.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–200 visible ASCII characters', { errors: [{ pointer: '/headers/idempotency-key', message: 'invalid' }] });
    }
    return claim(db, opts, req, reply, key);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const c = claimed.get(req);
    if (!c) return payload;
    claimed.delete(req);
    if (reply.statusCode >= 500) {
      await repo.dropKey(db, c.principal, c.key);
    } else {
      const text = typeof payload === 'string' ? payload : payload === null || payload === undefined ? 'null' : String(payload);
      const stored = sealsResponse(req) ? JSON.stringify({ sealed: seal(opts.sealKey, text, aadOf(c.principal, c.key)) } satisfies SealedResponse) : text;
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      await repo.answerKey(db, c.principal, c.key, reply.statusCode, stored, headers);
    }
    return payload;
  });
}

const idempotencyHeader = (ttlMs: number) => Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    description: 'Makes a retry safe: 1–200 visible ASCII characters, unique per request of this caller. A retry with the same key and '
      + `body within ${ttlMs / 3_600_000} h gets the first response again (header idempotent-replayed: true), nothing is done twice; `
      + 'the same key with another body is 422 idempotency_key_reused.',
  })),
});
