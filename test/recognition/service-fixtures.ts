import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bearer, createInstitution, createLearner, operatorToken, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { deposit, depositBody, insertItem, type ItemSpec } from '../records/fixtures.js';

export interface World { op: string; target: TestInstitution; source: TestInstitution; learner: TestLearner }

/** A receiving university, a certification body as source, and a learner registered at the university. */
export async function world(t: TestApp): Promise<World> {
  const op = await operatorToken(t.app);
  const target = await createInstitution(t.app, op);
  const source = await createInstitution(t.app, op, { kind: 'certification-body' });
  const learner = await createLearner(t.app, target.token);
  return { op, target, source, learner };
}

/** The usual start of a recognition test file: the service and its world. */
export async function worldApp(): Promise<{ t: TestApp; w: World }> {
  const t = await createTestApp();
  return { t, w: await world(t) };
}

export async function item(t: TestApp, inst: TestInstitution, spec: ItemSpec = {}): Promise<{ id: string; code: string }> {
  const code = spec.code ?? `C${randomUUID().slice(0, 8).toUpperCase()}`;
  return { id: await insertItem(t.ctx.db, inst.id, { ...spec, code }), code };
}

/** Deposits one achievement of `itemId` for the learner; returns the achievement id. */
export async function achieve(app: FastifyInstance, inst: TestInstitution, learnerId: string, itemId: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await deposit(app, inst.token, learnerId, depositBody(itemId, over));
  if (res.statusCode !== 201) throw new Error(`deposit: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

export const ruleItem = (inst: TestInstitution, code: string, credits: string, extra: Record<string, unknown> = {}) =>
  ({ institutionId: inst.id, code, credits, ...extra });

export async function publishRule(app: FastifyInstance, token: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await app.inject({
    method: 'POST', url: '/rules', headers: bearer(token),
    payload: { effectiveFrom: '2020-01-01', rationale: 'published equivalence review', evidence: ['https://evidence.example/review.pdf'], ...body },
  });
  if (res.statusCode !== 201) throw new Error(`rule: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function post(app: FastifyInstance, url: string, token: string | undefined, payload: unknown) {
  return app.inject({ method: 'POST', url, headers: token ? bearer(token) : {}, payload: payload as Record<string, unknown> });
}

export async function get(app: FastifyInstance, url: string, token?: string) {
  return app.inject({ method: 'GET', url, headers: token ? bearer(token) : {} });
}

/** Today and a day n days away, as ISO dates (agreements and rules are dated by day). */
export const today = (): string => new Date().toISOString().slice(0, 10);
export const plusDays = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
