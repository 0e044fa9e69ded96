import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, createLearner, operatorToken, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { deposit, depositBody, insertItem } from './fixtures.js';

let t: TestApp;
let op: string;
let uni: TestInstitution;
let hk: TestInstitution;
let learner: TestLearner;
let stranger: TestLearner;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  op = await operatorToken(t.app);
  uni = await createInstitution(t.app, op);
  hk = await createInstitution(t.app, op);
  learner = await createLearner(t.app, uni.token);
  stranger = await createLearner(t.app, uni.token);
  const db = await insertItem(t.ctx.db, uni.id, { code: 'CS201', credits: '3', iscedCode: '0613' });
  const os = await insertItem(t.ctx.db, uni.id, { code: 'CS202', credits: '4', iscedCode: '0613' });
  const acc = await insertItem(t.ctx.db, uni.id, { code: 'AC101', credits: '2', iscedCode: '0411', level: 5 });
  const ects = await insertItem(t.ctx.db, hk.id, { code: 'HK-DS1', credits: '6', creditSystemId: 'ects', gradingSchemeId: 'letter-af', iscedCode: '0613' });
  await insertItem(t.ctx.db, uni.id, { code: 'MM-DATA', kind: 'micro-major', credits: '9', completionRule: { type: 'n-of', n: 2 }, components: [db, os, acc] });
  ids.db = (await deposit(t.app, uni.token, learner.id, depositBody(db))).json().id;
  ids.acc = (await deposit(t.app, uni.token, learner.id, depositBody(acc))).json().id;
  ids.revoked = (await deposit(t.app, uni.token, learner.id, depositBody(os))).json().id;
  await t.app.inject({ method: 'POST', url: `/achievements/${ids.revoked}/revocations`, headers: bearer(uni.token), payload: { reason: 'Deposited for the wrong learner' } });
  ids.ects = (await deposit(t.app, hk.token, learner.id, depositBody(ects, { result: 'B' }))).json().id;
});
afterAll(async () => t.close());

const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('transcript', () => {
  it('groups by institution, level and field and totals per credit system and in the home system', async () => {
    const res = await get(`/learners/${learner.id}/record`, learner.token);
    expect(res.statusCode).toBe(200);
    const tr = res.json();
    expect(tr.view).toBe('whole');
    const keys = tr.groups.map((g: { institution: { id: string }; level: { level: number } | null; field: { code: string } | null }) => [g.institution.id === uni.id ? 'uni' : 'hk', g.level?.level ?? null, g.field?.code ?? null]);
    expect(keys).toEqual([['uni', 6, '06'], ['uni', 5, '04'], ['hk', 6, '06']]);
    expect(tr.totals.bySystem).toEqual([{ creditSystemId: 'cn-university', credits: '5', achievements: 2 }, { creditSystemId: 'ects', credits: '6', achievements: 1 }]);
    const ects = tr.totals.home.conversions.find((c: { from: string }) => c.from === 'ects');
    // 6 ECTS × 25 h (lower bound) = 150 h ÷ 18 h per Chinese university credit = 8.33 → 8 (step 0.5)
    expect(ects).toMatchObject({ converted: '8', hours: '150' });
    expect(ects.basis).toContain('150 h');
    expect(tr.totals.home).toMatchObject({ creditSystemId: 'cn-university', credits: '13' });
    const revoked = tr.groups.flatMap((g: { achievements: { id: string; status: string; history: unknown[] }[] }) => g.achievements).find((a: { id: string }) => a.id === ids.revoked);
    expect(revoked).toMatchObject({ status: 'revoked' });
    expect(revoked.history).toHaveLength(2);
  });

  it('is closed to another learner', async () => {
    const res = await get(`/learners/${learner.id}/record`, stranger.token);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('other_learner');
    expect((await get(`/learners/${learner.id}/record/export`, stranger.token)).statusCode).toBe(403);
  });

  it('shows an institution only what it deposited until the learner shares more with it', async () => {
    const before = (await get(`/learners/${learner.id}/record`, hk.token)).json();
    expect(before.view).toBe('partial');
    const seen = before.groups.flatMap((g: { achievements: { id: string }[] }) => g.achievements.map((a) => a.id));
    expect(seen).toEqual([ids.ects]);
    const share = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/shares`, headers: bearer(learner.token), payload: { achievementIds: [ids.db], expiresAt: new Date(Date.now() + 86_400_000).toISOString(), recipient: { institutionId: hk.id } } });
    expect(share.statusCode).toBe(201);
    const after = (await get(`/learners/${learner.id}/record`, hk.token)).json();
    expect(after.groups.flatMap((g: { achievements: { id: string }[] }) => g.achievements.map((a) => a.id)).sort()).toEqual([ids.ects, ids.db].sort());
  });
});

describe('export and micro-majors', () => {
  it('exports the whole record with provenance and the ledger entry of every version', async () => {
    const res = await get(`/learners/${learner.id}/record/export`, learner.token);
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc).toMatchObject({ format: 'credit-bank-learning-record', formatVersion: '1.0', learner: { id: learner.id } });
    expect(doc.achievements).toHaveLength(4);
    const revoked = doc.achievements.find((a: { id: string }) => a.id === ids.revoked);
    expect(revoked.ledgerEntryIds).toHaveLength(2);
    expect(revoked.provenance.depositor.id).toBe(uni.id);
    const entries = await t.ctx.db.selectFrom('ledger_entries').select('id').where('id', 'in', revoked.ledgerEntryIds).execute();
    expect(entries).toHaveLength(2);
  });

  it('shows progress on a started micro-major: done, missing and what is left under its rule', async () => {
    const res = await get(`/learners/${learner.id}/micro-majors`, learner.token);
    expect(res.statusCode).toBe(200);
    const [mm] = res.json().items;
    expect(mm.microMajor.code).toBe('MM-DATA');
    expect(mm.done.map((c: { code: string }) => c.code).sort()).toEqual(['AC101', 'CS201']);
    // CS202 was revoked, so it is missing again; two of three are done, which is what n-of 2 needs.
    expect(mm.missing.map((c: { code: string }) => c.code)).toEqual(['CS202']);
    expect(mm).toMatchObject({ complete: true, remaining: { components: 0 } });
  });
});
