import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearner, tokenFor } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { achieve, get, item, post, publishRule, ruleItem, world, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  // At most 1/3 of a 12-credit programme (4 credits) by recognition, for every programme at the target.
  await publishRule(t.app, w.target.token, { type: 'caps', definition: { programmeTotalCredits: '12', programme: { fraction: '1/3' } } });
});
afterAll(async () => t.close());

/** A fresh learner with `n` queued items (no rule covers them) in one request for programme P1. */
async function queued(n: number) {
  const learner = await createLearner(t.app, w.target.token);
  const courses = [];
  const ids = [];
  for (let i = 0; i < n; i++) {
    const c = await item(t, w.source);
    courses.push(c);
    ids.push(await achieve(t.app, w.source, learner.id, c.id, { result: '90', completedOn: '2024-01-15' }));
  }
  const res = await post(t.app, '/recognition/requests', learner.token, { targetInstitutionId: w.target.id, programmeId: 'P1', achievementIds: ids });
  expect(res.statusCode).toBe(201);
  return { learner, courses, request: res.json(), items: res.json().items as { id: string; achievementId: string }[] };
}

describe('credit granted by people is held to the target caps', () => {
  it('refuses a reviewer grant above the programme cap with the room left, and accepts the room as a partial approval', async () => {
    const { request, items } = await queued(2);
    const url = (i: number) => `/recognition/requests/${request.id}/items/${items[i]!.id}/decision`;
    expect((await post(t.app, url(0), w.target.token, { outcome: 'approve', credits: '3', category: 'elective', reason: 'equivalent' })).statusCode).toBe(200);
    const over = await post(t.app, url(1), w.target.token, { outcome: 'approve', credits: '1.5', category: 'elective', reason: 'equivalent' });
    expect(over.statusCode).toBe(422);
    expect(over.json()).toMatchObject({ code: 'cap_exceeded', errors: [{ pointer: '/body/credits' }] });
    expect(over.json().detail).toContain('at most 1 may still be granted');
    const fits = await post(t.app, url(1), w.target.token, { outcome: 'partial', credits: '1', category: 'elective', reason: 'up to the cap' });
    expect(fits.statusCode).toBe(200);
    const granted = fits.json().items.flatMap((i: any) => i.credits.map((c: any) => c.credits));
    expect(granted.sort()).toEqual(['1.00', '3.00']);
  });

  it('refuses an upheld appeal whose extra credit would pass the cap, and accepts one within it', async () => {
    const { learner, request, items } = await queued(1);
    const base = `/recognition/requests/${request.id}/items/${items[0]!.id}`;
    await post(t.app, `${base}/decision`, w.target.token, { outcome: 'partial', credits: '3', category: 'elective', reason: 'three of five', reviewer: 'alice' });
    expect((await post(t.app, `${base}/appeal`, learner.token, { reason: 'all five', evidence: [{ url: 'https://e.example/s.pdf' }] })).statusCode).toBe(200);
    const over = await post(t.app, `${base}/appeal/decision`, w.target.token, { outcome: 'approve', credits: '5', category: 'elective', reason: 'convinced', reviewer: 'bob' });
    expect(over.statusCode).toBe(422);
    expect(over.json().code).toBe('cap_exceeded');
    const ok = await post(t.app, `${base}/appeal/decision`, w.target.token, { outcome: 'partial', credits: '4', category: 'elective', reason: 'up to the cap', reviewer: 'bob' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items[0].decisions.at(-1)).toMatchObject({ kind: 'appeal', credits: '1.00' });
  });
});

describe('a reviewer\'s credits are stored as stated, or refused', () => {
  it('refuses negative credits (was a 500), more than two places (was silently rounded) and more than one item carries, naming the field; the item stays queued', async () => {
    const { request, items } = await queued(1);
    const url = `/recognition/requests/${request.id}/items/${items[0]!.id}/decision`;
    for (const [credits, code] of [['-1', 'negative_credits'], ['2.345', 'credits_precision'], ['1000.5', 'credits_too_large']] as const) {
      const res = await post(t.app, url, w.target.token, { outcome: 'partial', credits, category: 'elective', reason: 'x' });
      expect(res.statusCode, `${credits}: ${res.body}`).toBe(422);
      expect(res.json()).toMatchObject({ code, errors: [{ pointer: '/body/credits' }] });
    }
    const view = (await get(t.app, `/recognition/requests/${request.id}`, w.target.token)).json();
    expect(view.items[0]).toMatchObject({ status: 'queued', decisions: [] });
    expect((await post(t.app, url, w.target.token, { outcome: 'partial', credits: '1.25', category: 'elective', reason: 'x' })).json().items[0].credits[0].credits).toBe('1.25');
  });
});

describe('a reviewer cites only a rule version that exists and applies at the target', () => {
  it('refuses a version that was never published (was accepted), another institution\'s rule, a version past a 4-byte integer (was a 500) and a version without a rule; accepts a real one', async () => {
    const { request, items } = await queued(1);
    const url = `/recognition/requests/${request.id}/items/${items[0]!.id}/decision`;
    const own = await publishRule(t.app, w.target.token, { type: 'block', definition: { pattern: { kinds: ['exam'] }, credits: '1', category: 'elective', conditions: { allowLowerLevel: true } } });
    const theirs = await publishRule(t.app, w.source.token, { type: 'block', definition: { pattern: { kinds: ['exam'] }, credits: '1', category: 'elective', conditions: { allowLowerLevel: true } } });
    const decide = (extra: Record<string, unknown>) => post(t.app, url, w.target.token, { outcome: 'partial', credits: '1', category: 'elective', reason: 'x', ...extra });
    for (const [extra, code, pointer] of [
      [{ ruleId: own.id, ruleVersion: 99 }, 'unknown_rule_version', '/body/ruleVersion'],
      [{ ruleId: theirs.id }, 'unknown_rule_version', '/body/ruleId'],
      [{ ruleVersion: 1 }, 'rule_id_required', '/body/ruleId'],
    ] as const) {
      const res = await decide(extra);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ code, errors: [{ pointer }] });
    }
    expect((await decide({ ruleId: own.id, ruleVersion: 2 ** 31 })).json()).toMatchObject({ status: 400, code: 'validation_failed', errors: [{ pointer: '/body/ruleVersion' }] });
    const ok = await decide({ ruleId: own.id, ruleVersion: 1 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().items[0].decisions.at(-1).ruleVersions).toEqual([{ id: own.id, version: 1 }]);
  });
});

describe('re-evaluation after a rule is published', () => {
  it('grants only the difference on a partly credited item and records the request\'s programme on the credit', async () => {
    const { learner, courses, request, items } = await queued(1);
    await post(t.app, `/recognition/requests/${request.id}/items/${items[0]!.id}/decision`, w.target.token, { outcome: 'partial', credits: '1', category: 'elective', reason: 'part' });
    const tgt = await item(t, w.target);
    const rule = await publishRule(t.app, w.target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, courses[0]!.code, '3')], targets: [ruleItem(w.target, tgt.code, '3')] } });
    const done = await post(t.app, `/rules/${rule.id}/re-evaluate`, w.target.token, {});
    expect(done.json().learners).toBe(1);
    const view = (await get(t.app, `/recognition/requests/${request.id}`, learner.token)).json();
    expect(view.items[0].decisions.at(-1)).toMatchObject({ kind: 're-evaluation', outcome: 'approve', credits: '2.00' });
    const credits = await t.ctx.db.selectFrom('recognised_credits').select(['credits', 'programme_id']).where('learner_id', '=', learner.id).orderBy('credits').execute();
    expect(credits.map((c) => [String(Number(c.credits)), c.programme_id])).toEqual([['1', 'P1'], ['2', 'P1']]);
  });
});

describe('who may decide an appeal', () => {
  it('requires a different client, not just a different declared name, once the institution has two reviewer clients', async () => {
    const { learner, request, items } = await queued(1);
    const base = `/recognition/requests/${request.id}/items/${items[0]!.id}`;
    await post(t.app, `${base}/decision`, w.target.token, { outcome: 'reject', reason: 'no equivalent', reviewer: 'alice' });
    await post(t.app, `${base}/appeal`, learner.token, { reason: 'see syllabus', evidence: [{ url: 'https://e.example/s.pdf' }] });
    const second = await post(t.app, `/institutions/${w.target.id}/clients`, w.target.token, { name: 'appeals desk', scopes: ['recognition:review'] });
    expect(second.statusCode).toBe(201);
    const renamed = await post(t.app, `${base}/appeal/decision`, w.target.token, { outcome: 'reject', reason: 'stands', reviewer: 'not-alice' });
    expect(renamed.statusCode).toBe(409);
    expect(renamed.json().code).toBe('same_reviewer_client');
    const desk = await tokenFor(t.app, second.json().clientId, second.json().clientSecret);
    const ok = await post(t.app, `${base}/appeal/decision`, desk, { outcome: 'reject', reason: 'stands', reviewer: 'carol' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items[0].decisions.at(-1).reviewer).toBe(`institution:${w.target.id}/client:${second.json().clientId}/reviewer:carol`);
  });
});
