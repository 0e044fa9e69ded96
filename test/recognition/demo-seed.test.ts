import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let lines: string[];
beforeAll(async () => {
  t = await createTestApp();
  lines = await seedDemo(t.ctx);
});
afterAll(async () => t.close());

it('seeds one rule of each kind, the 粤港澳 alliance and a demo request with an automatic decision and a queued item', async () => {
  expect(lines.join('\n')).toContain('recognition: 4 rules');
  const rules = (await t.app.inject({ method: 'GET', url: '/rules' })).json().items;
  expect(new Set(rules.map((r: any) => r.kind))).toEqual(new Set(['equivalency', 'block', 'conversion', 'caps']));
  const agreements = (await t.app.inject({ method: 'GET', url: '/agreements' })).json().items;
  expect(agreements[0].parties).toHaveLength(3);
  const decisions = await t.ctx.db.selectFrom('recognition_decisions').select(['kind', 'outcome']).execute();
  expect(decisions.filter((d) => d.kind === 'automatic').length).toBeGreaterThanOrEqual(2);
  const queued = await t.ctx.db.selectFrom('recognition_items').select('id').where('status', '=', 'queued').execute();
  expect(queued).toHaveLength(1);
});

it('Li Hua\'s own-record preview at the open university shows a match, maybes and a miss (the README walk-through)', async () => {
  const idTok = await t.app.inject({ method: 'POST', url: '/dev-idp/id-tokens', payload: { sub: 'li-hua', residentId: '44010619900307001X' } });
  const ex = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: idTok.json().id_token, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' } });
  expect(ex.statusCode, ex.body).toBe(200);
  const ou = (await t.app.inject({ method: 'GET', url: '/institutions?limit=10' })).json().items.find((i: any) => i.slug === 'lingnan-open-university');
  const res = await t.app.inject({ method: 'POST', url: '/recognition/preview', headers: { authorization: `Bearer ${ex.json().access_token}` },
    payload: { targetInstitutionId: ou.id, programmeId: 'P-BA-AD' } });
  expect(res.statusCode, res.body).toBe(200);
  const outcomes = res.json().outcomes as { status: string; ruleId: string | null; reason: string | null }[];
  expect(new Set(outcomes.map((o) => o.status))).toEqual(new Set(['match', 'maybe', 'miss']));
  expect(outcomes.find((o) => o.status === 'match')?.ruleId).toEqual(expect.any(String));
  // Missed: what was recognised there already, and the open university's own courses (they count there directly).
  expect(new Set(outcomes.filter((o) => o.status === 'miss').map((o) => o.reason))).toEqual(new Set(['already_recognised', 'own_institution']));
  expect(Number(res.json().totals.total)).toBeGreaterThan(0);
});
