import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstitution } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { achieve, get, item, plusDays, post, publishRule, ruleItem, today, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;

beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());


async function queuedRequest() {
  const course = await item(t, w.source);
  const a = await achieve(t.app, w.source, w.learner.id, course.id, { result: '88', completedOn: '2024-01-15' });
  const res = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [a] });
  expect(res.statusCode).toBe(201);
  return { course, a, request: res.json(), item: res.json().items[0] };
}

describe('requests, review and appeals', () => {
  it('queues an item no rule covers, and a reviewer decides it with a reason', async () => {
    const { request, item: it0 } = await queuedRequest();
    expect(it0).toMatchObject({ status: 'queued', evaluation: { status: 'maybe' } });
    const queue = await get(t.app, `/institutions/${w.target.id}/recognition/queue`, w.target.token);
    expect(queue.json().items.map((i: any) => i.id)).toContain(it0.id);
    const url = `/recognition/requests/${request.id}/items/${it0.id}/decision`;
    const other = await createInstitution(t.app, w.op);
    expect((await post(t.app, url, other.token, { outcome: 'reject', reason: 'not ours' })).statusCode).toBe(403);
    const d = await post(t.app, url, w.target.token, { outcome: 'partial', credits: '2', category: 'elective', reason: 'syllabus covers half', reviewer: 'alice' });
    expect(d.statusCode).toBe(200);
    expect(d.json().items[0].decisions[0]).toMatchObject({ kind: 'review', outcome: 'partial', credits: '2.00', reviewer: `institution:${w.target.id}/client:${w.target.clientId}/reviewer:alice` });
    expect((await post(t.app, url, w.target.token, { outcome: 'reject', reason: 'again' })).statusCode).toBe(409);
  });

  it('decides at once, not in the queue, a course of the target\'s own that no rule maps', async () => {
    const own = await item(t, w.target);
    const a = await achieve(t.app, w.target, w.learner.id, own.id, { result: '90', completedOn: '2024-01-15' });
    const res = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [a] });
    expect(res.statusCode, res.body).toBe(201);
    const it0 = res.json().items[0];
    expect(it0).toMatchObject({ status: 'decided', evaluation: { status: 'miss', reason: 'own_institution' } });
    expect(it0.decisions).toEqual([expect.objectContaining({ kind: 'automatic', outcome: 'reject', reviewer: 'engine', reason: expect.stringContaining('counts there directly') })]);
    const queue = await get(t.app, `/institutions/${w.target.id}/recognition/queue`, w.target.token);
    expect(queue.json().items.map((i: any) => i.id)).not.toContain(it0.id);
  });

  it('lets the learner appeal once; the same reviewer may not decide it, a different one may', async () => {
    const { request, item: it0 } = await queuedRequest();
    const base = `/recognition/requests/${request.id}/items/${it0.id}`;
    await post(t.app, `${base}/decision`, w.target.token, { outcome: 'reject', reason: 'no equivalent course', reviewer: 'alice' });
    const evidence = [{ url: 'https://evidence.example/syllabus.pdf', description: 'full syllabus' }];
    const appeal = await post(t.app, `${base}/appeal`, w.learner.token, { reason: 'the syllabus matches DS101', evidence });
    expect(appeal.statusCode).toBe(200);
    expect(appeal.json().items[0].status).toBe('appealed');
    expect((await post(t.app, `${base}/appeal`, w.learner.token, { reason: 'again', evidence })).statusCode).toBe(409);

    const same = await post(t.app, `${base}/appeal/decision`, w.target.token, { outcome: 'approve', credits: '3', reason: 'ok', reviewer: 'alice' });
    expect(same.statusCode).toBe(409);
    expect(same.json().code).toBe('same_reviewer');
    const ok = await post(t.app, `${base}/appeal/decision`, w.target.token, { outcome: 'approve', credits: '3', category: 'major', reason: 'evidence convinces', reviewer: 'bob' });
    expect(ok.statusCode).toBe(200);
    const body = ok.json().items[0];
    expect(body.decisions.map((d: any) => d.kind)).toEqual(['review', 'appeal']);
    expect(body.credits[0]).toMatchObject({ credits: '3.00', status: 'active' });
    expect(body.appeal.decisionId).toBe(body.decisions[1].id);
  });

  it('refuses an appeal by another learner and a request naming someone else\'s achievement', async () => {
    const { request, item: it0, a } = await queuedRequest();
    const other = await (await import('../helpers/factories.js')).createLearner(t.app, w.target.token);
    const res = await post(t.app, `/recognition/requests/${request.id}/items/${it0.id}/appeal`, other.token, { reason: 'x', evidence: [{ url: 'https://e.example/x' }] });
    expect(res.statusCode).toBe(403);
    expect((await get(t.app, `/recognition/requests/${request.id}`, other.token)).statusCode).toBe(403);
    const steal = await post(t.app, '/recognition/requests', other.token, { targetInstitutionId: w.target.id, achievementIds: [a] });
    expect(steal.statusCode).toBe(422);
  });

  it('lists affected learners when a rule is published, and re-evaluates them visibly', async () => {
    const { request, course, item: it0 } = await queuedRequest();
    const tgt = await item(t, w.target);
    const rule = await publishRule(t.app, w.target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, course.code, '3')], targets: [ruleItem(w.target, tgt.code, '3')] } });
    const affected = await get(t.app, `/rules/${rule.id}/affected`, w.target.token);
    expect(affected.statusCode).toBe(200);
    expect(affected.json().items).toEqual([expect.objectContaining({ learnerId: w.learner.id, itemId: it0.id, before: expect.objectContaining({ status: 'maybe' }), after: expect.objectContaining({ status: 'match', ruleId: rule.id }) })]);
    const done = await post(t.app, `/rules/${rule.id}/re-evaluate`, w.target.token, {});
    expect(done.json().learners).toBe(1);
    const after = (await get(t.app, `/recognition/requests/${request.id}`, w.learner.token)).json().items[0];
    expect(after.decisions.at(-1)).toMatchObject({ kind: 're-evaluation', outcome: 'approve', ruleVersions: [{ id: rule.id, version: 1 }] });
    const notices = (await get(t.app, `/learners/${w.learner.id}/recognition/notices`, w.learner.token)).json().items;
    expect(notices.some((n: any) => n.kind === 're-evaluation')).toBe(true);
    expect((await get(t.app, `/rules/${rule.id}/affected`, w.target.token)).json().items).toEqual([]);
  });
});

describe('rules and agreements', () => {
  it('publishes versions that supersede, never edits, and keeps every version readable', async () => {
    const rule = await publishRule(t.app, w.target.token, { type: 'block', definition: { pattern: { kinds: ['mooc'] }, credits: '2', category: 'general' } });
    const v2 = await post(t.app, `/rules/${rule.id}/versions`, w.target.token, { effectiveFrom: '2025-01-01', rationale: 'raised', evidence: [], definition: { pattern: { kinds: ['mooc'] }, credits: '3', category: 'general' } });
    expect(v2.statusCode).toBe(201);
    expect(v2.json()).toMatchObject({ version: 2, supersedes: 1 });
    const all = await get(t.app, `/rules/${rule.id}`);
    expect(all.json().versions.map((v: any) => v.version)).toEqual([1, 2]);
    const other = await createInstitution(t.app, w.op);
    expect((await post(t.app, `/rules/${rule.id}/versions`, other.token, { effectiveFrom: '2025-01-01', rationale: 'x', evidence: [], definition: { pattern: {}, credits: '9', category: 'x' } })).statusCode).toBe(403);
  });

  it('rejects a rule for another target and a definition that is not an engine rule', async () => {
    const other = await createInstitution(t.app, w.op);
    const res = await post(t.app, '/rules', w.target.token, { type: 'block', targetInstitutionId: other.id, effectiveFrom: '2024-01-01', rationale: 'x', evidence: [], definition: { pattern: {}, credits: '1', category: 'x' } });
    expect(res.statusCode).toBe(403);
    const bad = await post(t.app, '/rules', w.target.token, { type: 'block', effectiveFrom: '2024-01-01', rationale: 'x', evidence: [], definition: { pattern: {}, credits: 'lots', category: 'x' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].pointer).toBe('/body/definition/credits');
  });

  it('applies an alliance rule only while both parties are members; joining and leaving are never retroactive', async () => {
    const hk = await createInstitution(t.app, w.op, { country: 'HK', uscc: undefined, regionCode: undefined });
    const created = await post(t.app, '/agreements', w.op, { kind: 'regional', name: { zh: '粤港澳大湾区学分互认联盟', en: 'GBA credit alliance' }, effectiveFrom: '2020-01-01', parties: [{ institutionId: w.target.id }, { institutionId: w.source.id }] });
    expect(created.statusCode).toBe(201);
    const ag = created.json();
    expect((await post(t.app, `/agreements/${ag.id}/parties`, hk.token, { institutionId: hk.id, joinedOn: '2021-01-01' })).statusCode).toBe(422);
    expect((await post(t.app, `/agreements/${ag.id}/parties`, hk.token, { institutionId: hk.id, joinedOn: today() })).statusCode).toBe(200);
    const rule = await publishRule(t.app, w.target.token, { type: 'block', agreementId: ag.id, definition: { pattern: { kinds: ['exam'] }, credits: '4', category: 'elective' } });
    expect(rule.owner).toEqual({ kind: 'agreement', id: ag.id });
    const leftOn = plusDays(30);
    expect((await post(t.app, `/agreements/${ag.id}/parties/${w.source.id}/leave`, w.source.token, { leftOn: '2022-01-01' })).statusCode).toBe(422);
    expect((await post(t.app, `/agreements/${ag.id}/parties/${w.source.id}/leave`, w.source.token, { leftOn })).statusCode).toBe(200);
    const a = { id: 'e', kind: 'exam', sourceInstitutionId: w.source.id, credits: '4', creditSystemId: 'cn-university', completedOn: '2024-01-01' };
    const before = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, date: plusDays(29), achievements: [a] });
    expect(before.json().outcomes[0]).toMatchObject({ status: 'match', ruleId: rule.id });
    const afterLeave = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, date: leftOn, achievements: [a] });
    expect(afterLeave.json().outcomes[0]).toMatchObject({ status: 'miss', reason: 'not_effective' });
    const fromHk = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, date: plusDays(-1), achievements: [{ ...a, sourceInstitutionId: hk.id }] });
    expect(fromHk.json().outcomes[0]).toMatchObject({ status: 'miss', reason: 'not_effective' });
  });

  it('lets an institution create only bilateral agreements it is party to', async () => {
    const other = await createInstitution(t.app, w.op);
    const body = { kind: 'bilateral', name: { en: 'pair' }, effectiveFrom: '2024-01-01', parties: [{ institutionId: w.target.id }, { institutionId: other.id }] };
    expect((await post(t.app, '/agreements', w.target.token, body)).statusCode).toBe(201);
    expect((await post(t.app, '/agreements', w.source.token, body)).statusCode).toBe(403);
    expect((await post(t.app, '/agreements', w.target.token, { ...body, kind: 'regional' })).statusCode).toBe(403);
  });
});
