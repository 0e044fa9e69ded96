import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { AppContext } from '../../src/context.js';
import { kyselyOverPostgres } from '../../src/db/dialect.js';
import { createTestApp, TEST_KEK, TEST_PEPPER, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => t.close());

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ status, code, type: `/problems/${code}` });
  return res.json();
}

describe('GET /ready', () => {
  it('is ready when the database answers and every migration is applied', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'current' } });
  });

  it('answers 503 migrations_pending while a known migration is not applied', async () => {
    const last = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration order by name desc limit 1`.execute(t.ctx.db);
    const { name, timestamp } = last.rows[0]!;
    await sql`delete from kysely_migration where name = ${name}`.execute(t.ctx.db);
    try {
      expectProblem(await t.app.inject({ method: 'GET', url: '/ready' }), 503, 'migrations_pending');
      expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${name}, ${timestamp})`.execute(t.ctx.db);
    }
    expect((await t.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  });

  it('answers 503 database_unreachable, without internals, when the database does not answer', async () => {
    // Nothing listens on port 1: every connection attempt is refused.
    const config = loadConfig({ KEY_ENCRYPTION_KEY: TEST_KEK, IDENTITY_PEPPER: TEST_PEPPER, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', PUBLIC_URL: 'https://bank.test', LOG_LEVEL: 'silent', DEMO_SEED: 'false', DEV_IDP: 'false' });
    const ctx = await AppContext.fromConfig(config, { db: kyselyOverPostgres('postgres://postgres@127.0.0.1:1/none', 1) });
    let app: FastifyInstance | undefined;
    try {
      app = await buildApp(ctx);
      const body = expectProblem(await app.inject({ method: 'GET', url: '/ready' }), 503, 'database_unreachable');
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await app?.close();
      await ctx.close();
    }
  });
});
