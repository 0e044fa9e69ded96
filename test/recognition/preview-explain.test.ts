import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { item, post, publishRule, ruleItem, world, type World } from './service-fixtures.js';

// The preview's evaluation-wide explanation: a bounded summary by default, every loser on request.
let t: TestApp;
let w: World;
let target: World['target'];
let body: Record<string, unknown>;

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  target = await createInstitution(t.app, w.op);
  // Five source courses, each claimed by rules worth 2, 3 and 4 credits at the target.
  const achievements = [];
  for (let k = 0; k < 5; k++) {
    const src = await item(t, w.source);
    for (const credits of ['2', '3', '4']) {
      const tgt = await item(t, target);
      await publishRule(t.app, target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, src.code, '3')], targets: [ruleItem(target, tgt.code, credits)] } });
    }
    achievements.push({ id: `x${k}`, catalogueItemId: src.id, result: '85', completedOn: '2024-06-30' });
  }
  body = { targetInstitutionId: target.id, achievements };
});
afterAll(async () => t.close());

const losers = (res: { json: () => any }): string[] => res.json().explanation.filter((l: string) => l.startsWith('not chosen: '));

describe('POST /recognition/preview explanation detail', () => {
  it('summarises by default: the three strongest candidates not chosen and a count of the rest', async () => {
    const res = await post(t.app, '/recognition/preview', undefined, body);
    expect(res.statusCode).toBe(200);
    expect(res.json().totals.total).toBe('20');
    expect(losers(res)).toHaveLength(3);
    for (const l of losers(res)) expect(l).toMatch(/→ 3 specified/);
    expect(res.json().explanation).toContain('… and 7 more candidates not chosen (the full explanation lists each)');
  });

  it("lists every candidate not chosen with explain: 'full', with the same outcomes and totals", async () => {
    const summary = await post(t.app, '/recognition/preview', undefined, body);
    const full = await post(t.app, '/recognition/preview', undefined, { ...body, explain: 'full' });
    expect(full.statusCode).toBe(200);
    expect(losers(full)).toHaveLength(10);
    expect(full.json().explanation.some((l: string) => l.startsWith('…'))).toBe(false);
    for (const l of losers(summary)) expect(losers(full)).toContain(l);
    expect(full.json().outcomes).toEqual(summary.json().outcomes);
    expect(full.json().totals).toEqual(summary.json().totals);
    expect((await post(t.app, '/recognition/preview', undefined, { ...body, explain: 'summary' })).json()).toEqual(summary.json());
  });

  it('rejects an unknown explanation detail', async () => {
    const res = await post(t.app, '/recognition/preview', undefined, { ...body, explain: 'everything' });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('explain');
  });
});
