import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => t.close());

it('seeds one rule of each kind, the 粤港澳 alliance and a demo request with an automatic decision and a queued item', async () => {
  const lines = await seedDemo(t.ctx);
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
