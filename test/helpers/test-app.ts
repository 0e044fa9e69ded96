import { appendFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { RouteAccess } from '../../src/http/auth-hook.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { AppContext, type Clock } from '../../src/context.js';
import { watchResponses } from './response-checks.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';
import { createInstitution, operatorToken, type TestInstitution } from './factories.js';

export const TEST_KEK = Buffer.alloc(32, 7).toString('base64');
export const TEST_PEPPER = Buffer.alloc(32, 9).toString('base64');
export const OPERATOR_SECRET = 'operator-test-secret';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  database: TestDatabase;
  routes: RouteAccess[];
  close(): Promise<void>;
}

/** A whole service over its own fresh database, for HTTP tests through app.inject. */
export async function createTestApp(opts: { config?: Partial<Config>; clock?: Clock; extend?: (app: FastifyInstance) => void } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    KEY_ENCRYPTION_KEY: TEST_KEK, IDENTITY_PEPPER: TEST_PEPPER, DATABASE_URL: 'postgres://unused/test',
    PUBLIC_URL: 'https://bank.test', BOOTSTRAP_OPERATOR_SECRET: OPERATOR_SECRET, DEV_IDP: 'true',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', DEMO_SEED: 'false',
  }, opts.config);
  const ctx = await AppContext.fromConfig(config, { db: database.db, notifications: database.notifications, clock: opts.clock });
  await ctx.prepare();
  const routes: RouteAccess[] = [];
  const app = await buildApp(ctx, routes);
  opts.extend?.(app);
  watchResponses(app);
  if (process.env.RECORD_REQUESTS) recordRequests(app, process.env.RECORD_REQUESTS);
  await app.ready();
  return {
    app, ctx, database, routes,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * Appends each JSON request that succeeded (route, body) to `file`: how test/fixtures/valid-requests.json
 * (the bodies test/http/api-fuzz mutates) is gathered from a run of the whole suite.
 */
function recordRequests(app: FastifyInstance, file: string): void {
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode >= 300 || req.body === undefined || typeof req.body !== 'object' || req.body === null) return;
    appendFileSync(file, `${JSON.stringify({ method: req.method, route: req.routeOptions.url, params: req.params, body: req.body })}\n`);
  });
}

/** The usual start of an HTTP test file: the service, an operator token and one institution. */
export async function institutionApp(opts: Parameters<typeof createTestApp>[0] = {}): Promise<{ t: TestApp; op: string; inst: TestInstitution }> {
  const t = await createTestApp(opts);
  const op = await operatorToken(t.app);
  return { t, op, inst: await createInstitution(t.app, op) };
}
