import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, createLearner, operatorToken, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { depositKoreanRecord, enrol, koreanWorld, type KoreanWorld } from './korea-fixture.js';

let t: TestApp;
let w: KoreanWorld;
const learners: Record<'complete' | 'short' | 'capped', TestLearner> = {} as never;

beforeAll(async () => {
  t = await createTestApp();
  const op = await operatorToken(t.app);
  w = await koreanWorld(t.app, op);
  const registrar = await createInstitution(t.app, op);
  for (const [key, shape] of [['complete', 'complete'], ['short', 'general-short'], ['capped', 'one-provider']] as const) {
    learners[key] = await createLearner(t.app, registrar.token);
    await depositKoreanRecord(t.app, w, learners[key], shape);
    expect((await enrol(t.app, learners[key])).statusCode).toBe(201);
  }
}, 120_000);
afterAll(async () => t?.close());

const audit = (l: TestLearner, token = l.token, query = '') =>
  t.app.inject({ method: 'GET', url: `/learners/${l.id}/audits/korea-acbs-bachelor${query}`, headers: bearer(token) });
const award = (l: TestLearner, token = w.nile.token) =>
  t.app.inject({ method: 'POST', url: `/learners/${l.id}/awards`, headers: bearer(token), payload: { programmeId: 'korea-acbs-bachelor' } });
const requirement = (body: { requirements: { id: string }[] }, id: string) => body.requirements.find((r) => r.id === id) as Record<string, any>;

describe('Korean credit-bank bachelor over HTTP', () => {
  it('audits a complete record against the enrolled version: 140 credits, 62 major, 30 general', async () => {
    const res = await audit(learners.complete);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ programmeVersion: '2024.2', complete: true, totalCounted: '140' });
    expect(requirement(body, 'major')).toMatchObject({ status: 'satisfied', counted: '62' });
    expect(requirement(body, 'general')).toMatchObject({ status: 'satisfied', counted: '30' });
    expect(requirement(body, 'accredited-or-part-time')).toMatchObject({ status: 'satisfied' });
    expect(body.assignments).toHaveLength(41);
    expect(body.unused).toEqual([]);
  });

  it('awards the complete record with its audit snapshot, a ledger entry and a degree credential', async () => {
    const res = await award(learners.complete);
    expect(res.statusCode).toBe(201);
    const a = res.json();
    expect(a).toMatchObject({ status: 'awarded', programmeVersion: '2024.2', totalCredits: '140', institutionId: w.nile.id, rescission: null });
    expect(a.auditSnapshot.complete).toBe(true);
    expect(a.snapshotDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(a.credentialId).toMatch(/^[0-9a-f-]{36}$/);
    const entry = await t.ctx.db.selectFrom('ledger_entries').select(['event_type', 'resource_id', 'learner_id']).where('id', '=', a.ledgerEntryId).executeTakeFirstOrThrow();
    expect(entry).toEqual({ event_type: 'qualification.awarded', resource_id: a.id, learner_id: learners.complete.id });
    const credential = await t.ctx.db.selectFrom('credentials').select(['kind', 'status', 'issuer_ref']).where('id', '=', a.credentialId).executeTakeFirstOrThrow();
    expect(credential).toEqual({ kind: 'qualification', status: 'active', issuer_ref: w.nile.id });
    const { document } = await t.ctx.db.selectFrom('credentials').select('document').where('id', '=', a.credentialId).executeTakeFirstOrThrow();
    const achievement = (document as any).credentialSubject.achievement;
    expect(achievement.alignment).toEqual([expect.objectContaining({ targetFramework: 'isced-2011', targetCode: '6', targetType: 'CFItem' })]);
    const verified = await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: document } });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ verified: true });
    const again = await award(learners.complete);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(a.id);
  });

  it('refuses the award when general education is one credit short, naming the requirement', async () => {
    const res = await award(learners.short);
    expect(res.statusCode).toBe(409);
    const problem = res.json();
    expect(problem.code).toBe('audit_incomplete');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/requirements/general' })]);
    expect(problem.unmetRequirements).toEqual([{ id: 'general', missing: '1', unit: 'credits' }]);
    const body = (await audit(learners.short)).json();
    expect(requirement(body, 'general')).toMatchObject({ status: 'partly', missing: '1' });
    // Concrete catalogue items that would fill the gap: general-education courses the learner does not hold.
    const suggested = requirement(body, 'general').suggestions as { catalogueItemId: string; title: { en: string }; credits: string }[];
    expect(suggested.length).toBeGreaterThan(0);
    const held = new Set(body.assignments.map((a: { itemId: string }) => a.itemId));
    for (const s of suggested) {
      expect(s.title.en).toMatch(/general course|Korean literature|Writing/);
      expect(held.has(s.catalogueItemId)).toBe(false);
    }
    expect(await t.ctx.db.selectFrom('awards').select('id').where('learner_id', '=', learners.short.id).execute()).toEqual([]);
  });

  it('shows the learner what a further general course would do, without storing anything', async () => {
    const res = await t.app.inject({
      method: 'POST', url: `/learners/${learners.short.id}/audits/korea-acbs-bachelor/what-if`, headers: bearer(learners.short.token),
      payload: { items: [{ catalogueItemId: w.items['b-general-extra'], result: '75', completedOn: '2024-05-01' }] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ complete: true, hypotheticalItemIds: ['what-if:0'] });
    const failing = await t.app.inject({
      method: 'POST', url: `/learners/${learners.short.id}/audits/korea-acbs-bachelor/what-if`, headers: bearer(learners.short.token),
      payload: { items: [{ catalogueItemId: w.items['b-general-extra'], result: '40' }] },
    });
    expect(failing.json().complete).toBe(false);
    expect(failing.json().unused).toEqual([expect.objectContaining({ itemId: 'what-if:0', reason: 'failing-result' })]);
    const bad = await t.app.inject({
      method: 'POST', url: `/learners/${learners.short.id}/audits/korea-acbs-bachelor/what-if`, headers: bearer(learners.short.token),
      payload: { items: [{ catalogueItemId: w.items['b-general-extra'], result: 'A+' }] },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].pointer).toBe('/body/items/0/result');
  });

  it('does not count course credit beyond 105 from one provider, and refuses the award', async () => {
    const body = (await audit(learners.capped)).json();
    expect(body.complete).toBe(false);
    expect(body.caps.find((c: { id: string }) => c.id === 'one-provider').groups).toEqual([expect.objectContaining({ used: '105', limit: '105' })]);
    expect(body.totalCounted).toBe('125');
    expect(body.unused.filter((u: { reason: string }) => u.reason === 'cap')).toHaveLength(5);
    const res = await award(learners.capped);
    expect(res.statusCode).toBe(409);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/requirements/total']);
  });

  it('rescinds an award with a reason: kept, marked, logged, credential revoked', async () => {
    const [a] = (await t.app.inject({ method: 'GET', url: `/learners/${learners.complete.id}/awards`, headers: bearer(learners.complete.token) })).json().items;
    const res = await t.app.inject({ method: 'POST', url: `/awards/${a.id}/rescissions`, headers: bearer(w.nile.token), payload: { reason: 'Certificate found to be forged' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: a.id, status: 'rescinded', rescission: { reason: 'Certificate found to be forged' } });
    const credential = await t.ctx.db.selectFrom('credentials').select('status').where('id', '=', a.credentialId).executeTakeFirstOrThrow();
    expect(credential.status).toBe('revoked');
    const events = await t.ctx.db.selectFrom('ledger_entries').select('event_type').where('learner_id', '=', learners.complete.id)
      .where('event_type', 'like', 'qualification.%').orderBy('id').execute();
    expect(events.map((e) => e.event_type)).toEqual(['qualification.awarded', 'qualification.rescinded']);
    const again = await t.app.inject({ method: 'POST', url: `/awards/${a.id}/rescissions`, headers: bearer(w.nile.token), payload: { reason: 'again' } });
    expect(again.statusCode).toBe(200);
    const list = (await t.app.inject({ method: 'GET', url: `/learners/${learners.complete.id}/awards`, headers: bearer(learners.complete.token) })).json().items;
    expect(list.map((x: { status: string }) => x.status)).toEqual(['rescinded']);
    // The ledger's database check rebuilds both event bodies from the award rows.
    const report = await t.ctx.ledgerService.checkDatabase();
    expect(report.problems.filter((p) => p.resourceType.startsWith('award'))).toEqual([]);
    expect(report.uncheckedByType).not.toHaveProperty('award');
    expect(report.uncheckedByType).not.toHaveProperty('award_rescission');
  });

  it('the database refuses to delete or rewrite an award or its rescission (only the credential and the rescission mark change)', async () => {
    const [a] = (await t.app.inject({ method: 'GET', url: `/learners/${learners.complete.id}/awards`, headers: bearer(learners.complete.token) })).json().items;
    const byId = (q: any) => q.where('learner_id', '=', learners.complete.id).where('id', '=', a.id);
    await expect(byId(t.ctx.db.deleteFrom('awards')).execute()).rejects.toThrow(/append-only/);
    await expect(byId(t.ctx.db.updateTable('awards').set({ total_credits: '141' })).execute()).rejects.toThrow(/append-only/);
    await expect(byId(t.ctx.db.updateTable('awards').set({ status: 'awarded' })).execute()).rejects.toThrow(/append-only/);
    await expect(byId(t.ctx.db.updateTable('awards').set({ credential_id: '00000000-0000-4000-8000-000000000000' })).execute()).rejects.toThrow(/append-only/);
    const rescission = t.ctx.db.updateTable('award_rescissions').set({ reason: 'rewritten' }).where('learner_id', '=', learners.complete.id).where('award_id', '=', a.id);
    await expect(rescission.execute()).rejects.toThrow(/append-only/);
    await expect(t.ctx.db.deleteFrom('award_rescissions').where('award_id', '=', a.id).execute()).rejects.toThrow(/append-only/);
    const row = await byId(t.ctx.db.selectFrom('awards').select(['status', 'credential_id'])).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'rescinded', credential_id: a.credentialId });
  });
});
