import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionInForce } from '../../src/records/micro-majors.js';
import { bearer, createLearner } from '../helpers/factories.js';
import { deposit, depositBody, insertItem, recordsWorld, type RecordsWorld } from './fixtures.js';

let w: RecordsWorld;
let a: string; let b: string; let c: string;
beforeAll(async () => {
  w = await recordsWorld();
  a = await insertItem(w.t.ctx.db, w.uni.id, { credits: '2' });
  b = await insertItem(w.t.ctx.db, w.uni.id, { credits: '2' });
  c = await insertItem(w.t.ctx.db, w.uni.id, { credits: '2' });
  // v1 (until 2024): A and B; v2 (from 2025): A, B and C.
  await insertItem(w.t.ctx.db, w.uni.id, { code: 'MM-VERS', version: 1, kind: 'micro-major', credits: null, creditSystemId: null, components: [a, b], completionRule: { type: 'all' }, effectiveFrom: '2020-01-01', effectiveTo: '2024-12-31' });
  await insertItem(w.t.ctx.db, w.uni.id, { code: 'MM-VERS', version: 2, kind: 'micro-major', credits: null, creditSystemId: null, components: [a, b, c], completionRule: { type: 'all' }, effectiveFrom: '2025-01-01' });
});
afterAll(async () => w.t.close());

const progress = async (learner: { id: string; token: string }) => {
  const res = await w.t.app.inject({ method: 'GET', url: `/learners/${learner.id}/micro-majors`, headers: bearer(learner.token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.find((i: { microMajor: { code: string } }) => i.microMajor.code === 'MM-VERS');
};

describe('micro-major progress is held to the version in force when the learner started', () => {
  it('a learner who started under v1 completes it with v1\'s components, even after v2 adds one', async () => {
    const learner = w.learner;
    expect((await deposit(w.t.app, w.uni.token, learner.id, depositBody(a, { completedOn: '2024-06-30' }))).statusCode).toBe(201);
    expect((await deposit(w.t.app, w.uni.token, learner.id, depositBody(b, { completedOn: '2025-02-01' }))).statusCode).toBe(201);
    const p = await progress(learner);
    expect(p.microMajor.version).toBe(1);
    expect(p.versionBasis).toMatchObject({ startedOn: '2024-06-30' });
    expect(p.versionBasis.reason).toContain('version 1 was in force on 2024-06-30');
    expect(p.complete).toBe(true);
  });

  it('a learner who started under v2 needs v2\'s components', async () => {
    const learner = await createLearner(w.t.app, w.uni.token);
    await deposit(w.t.app, w.uni.token, learner.id, depositBody(a, { completedOn: '2025-03-01' }));
    await deposit(w.t.app, w.uni.token, learner.id, depositBody(b, { completedOn: '2025-03-02' }));
    const p = await progress(learner);
    expect(p.microMajor.version).toBe(2);
    expect(p.complete).toBe(false);
    expect(p.missing.map((m: { id: string }) => m.id)).toEqual([c]);
  });
});

describe('versionInForce', () => {
  const v = (version: number, effectiveFrom: string, effectiveTo: string | null = null) => ({ version, effectiveFrom, effectiveTo });
  it('picks the version whose dates contain the start, else the last before it, else the earliest', () => {
    const list = [v(2, '2023-01-01', '2023-12-31'), v(1, '2020-01-01', '2022-06-30'), v(3, '2025-01-01')];
    expect(versionInForce(list, '2021-05-01').item.version).toBe(1);
    expect(versionInForce(list, '2023-12-31').item.version).toBe(2);
    expect(versionInForce(list, '2024-06-01').item.version).toBe(2);
    expect(versionInForce(list, '2019-01-01').item.version).toBe(1);
    expect(versionInForce(list, '2026-01-01').item.version).toBe(3);
  });
});
