import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, createLearner, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { achieve, get, item, post, publishRule, ruleItem, world, type World } from '../recognition/service-fixtures.js';

// The target grants in ECTS (its caps policy says so), so the recognised line needs the target's
// credit system and a conversion into the home system (cn-university) through the item's hours.
let t: TestApp;
let w: World;
let stranger: TestLearner;
let other: TestInstitution;
const ids: Record<string, string> = {};
let target: { id: string; code: string };
let request: any;
let credit: any;
let rule: any;

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  stranger = await createLearner(t.app, w.target.token);
  other = await createInstitution(t.app, w.op);
  const course = await item(t, w.source, { credits: '4' });
  const extra = await item(t, w.source, { credits: '2' });
  target = await item(t, w.target, { credits: '5', creditSystemId: 'ects', notionalHours: '125', level: 5, iscedCode: '0411', gradingSchemeId: 'letter-af' });
  await publishRule(t.app, w.target.token, { type: 'caps', definition: { creditSystemId: 'ects' } });
  rule = await publishRule(t.app, w.target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, course.code, '4')], targets: [ruleItem(w.target, target.code, '5')] } });
  ids.source = await achieve(t.app, w.source, w.learner.id, course.id, { result: '88', completedOn: '2024-01-15' });
  ids.extra = await achieve(t.app, w.source, w.learner.id, extra.id, { result: '75', completedOn: '2024-02-15' });
  ids.strangers = await achieve(t.app, w.source, stranger.id, course.id, { result: '90', completedOn: '2024-01-15' });
  const res = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [ids.source] });
  expect(res.statusCode).toBe(201);
  request = res.json();
  [credit] = request.items[0].credits;
  expect(credit).toMatchObject({ status: 'active', credits: '5.00', sourceAchievementIds: [ids.source] });
});
afterAll(async () => t.close());

type Group = { institution: { id: string }; level: { level: number } | null; field: { code: string } | null; achievements: { id: string }[]; recognised: any[] };
const recognisedIn = (tr: { groups: Group[] }) => tr.groups.flatMap((g) => g.recognised);
const record = async (token: string, learnerId = w.learner.id) => {
  const res = await get(t.app, `/learners/${learnerId}/record`, token);
  expect(res.statusCode).toBe(200);
  return res.json();
};
const share = async (payload: Record<string, unknown>) => {
  const res = await post(t.app, `/learners/${w.learner.id}/shares`, w.learner.token, { expiresAt: new Date(Date.now() + 86_400_000).toISOString(), ...payload });
  expect(res.statusCode).toBe(201);
  return (await get(t.app, `/shared/${res.json().token}`)).json().transcript;
};

describe('recognised credits in the transcript', () => {
  it('shows the credit under the recognising institution, with its decision, rule and source links', async () => {
    const tr = await record(w.learner.token);
    const group = tr.groups.find((g: Group) => g.recognised.length > 0);
    expect(group).toMatchObject({ institution: { id: w.target.id }, level: { level: 5 }, field: { code: '04' }, achievements: [] });
    expect(group.recognised).toEqual([expect.objectContaining({
      id: credit.id, targetInstitutionId: w.target.id, credits: '5.00', creditSystemId: 'ects', targetItemId: `${w.target.id}:${target.code}`, catalogueItemId: target.id,
      item: expect.objectContaining({ code: target.code, version: 1 }), title: expect.objectContaining({ en: `Course ${target.code}` }),
      sources: { achievementIds: [ids.source], institutionIds: [w.source.id], importIds: [], trustEntryIds: [] },
      decision: expect.objectContaining({ requestId: request.id, itemId: request.items[0].id, kind: 'automatic', outcome: 'approve', reviewer: 'engine' }),
      rule: { id: rule.id, version: 1 }, status: 'active',
      history: [expect.objectContaining({ action: 'granted', actor: `learner:${w.learner.id}`, ledgerEntryId: expect.any(Number) })],
    })]);
    // The source achievements stay in their own group and in the own totals.
    const sourceGroup = tr.groups.find((g: Group) => g.institution.id === w.source.id);
    expect(sourceGroup.achievements.map((a: { id: string }) => a.id).sort()).toEqual([ids.source, ids.extra].sort());
    expect(sourceGroup.recognised).toEqual([]);
  });

  it('totals recognised credit apart from the own achievements, normalised into the home system through the item hours', async () => {
    const { totals } = await record(w.learner.token);
    // Own: 4 + 2 cn-university credits; the 5 ECTS recognised from the first are not added to them.
    expect(totals.bySystem).toEqual([{ creditSystemId: 'cn-university', credits: '6', achievements: 2 }]);
    expect(totals.home).toMatchObject({ creditSystemId: 'cn-university', credits: '6' });
    expect(totals.recognised.bySystem).toEqual([{ creditSystemId: 'ects', credits: '5', recognisedCredits: 1 }]);
    // 125 h ÷ 18 h per Chinese university credit = 6.94 → 6.5 (step 0.5)
    expect(totals.recognised.home).toMatchObject({
      creditSystemId: 'cn-university', credits: '6.5', notConverted: [],
      conversions: [expect.objectContaining({ recognisedCreditId: credit.id, from: 'ects', credits: '5', hours: '125', converted: '6.5' })],
    });
    expect(totals.recognised.home.conversions[0].basis).toContain('125 h');
  });

  it('is in the export with its source links and ledger entries', async () => {
    const res = await get(t.app, `/learners/${w.learner.id}/record/export`, w.learner.token);
    expect(res.statusCode).toBe(200);
    const [c, ...rest] = res.json().recognisedCredits;
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      id: credit.id, credits: '5.00', creditSystemId: 'ects', sources: { achievementIds: [ids.source] }, status: 'active',
      item: { code: target.code, creditSystemId: 'ects' }, target: { id: w.target.id, did: w.target.did },
      decision: { requestId: request.id },
    });
    expect(c.ledgerEntryIds).toHaveLength(1);
    const entry = await t.ctx.db.selectFrom('ledger_entries').select(['event_type', 'resource_id']).where('id', '=', c.ledgerEntryIds[0]).executeTakeFirstOrThrow();
    expect(entry).toEqual({ event_type: 'recognition.credit-granted', resource_id: credit.id });
  });

  it('is not visible to another learner, and is not in their record', async () => {
    const res = await get(t.app, `/learners/${w.learner.id}/record`, stranger.token);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('other_learner');
    expect((await get(t.app, `/learners/${w.learner.id}/record/export`, stranger.token)).statusCode).toBe(403);
    const own = await record(stranger.token, stranger.id);
    expect(recognisedIn(own)).toEqual([]);
    expect(own.totals.recognised).toEqual({ bySystem: [], home: { creditSystemId: 'cn-university', credits: '0', conversions: [], notConverted: [] } });
    const exported = (await get(t.app, `/learners/${stranger.id}/record/export`, stranger.token)).json();
    expect(exported.recognisedCredits).toEqual([]);
  });

  it('shows an institution the credit it recognised, but not the depositor of the source nor anyone else', async () => {
    expect(recognisedIn(await record(w.target.token)).map((c: { id: string }) => c.id)).toEqual([credit.id]);
    const bySource = await record(w.source.token);
    expect(bySource.groups.flatMap((g: Group) => g.achievements.map((a) => a.id))).toContain(ids.source);
    expect(recognisedIn(bySource)).toEqual([]);
    expect(bySource.totals.recognised.bySystem).toEqual([]);
    expect(recognisedIn(await record(other.token))).toEqual([]);
  });
});

describe('recognised credits through share links', () => {
  it('a whole-record link shows them', async () => {
    const tr = await share({});
    expect(recognisedIn(tr).map((c: { id: string }) => c.id)).toEqual([credit.id]);
    expect(tr.totals.recognised.bySystem).toEqual([{ creditSystemId: 'ects', credits: '5', recognisedCredits: 1 }]);
  });

  it('a link to chosen achievements shows only the credit resting on them', async () => {
    const onSource = await share({ achievementIds: [ids.source] });
    expect(recognisedIn(onSource).map((c: { id: string }) => c.id)).toEqual([credit.id]);
    const onExtra = await share({ achievementIds: [ids.extra] });
    expect(onExtra.groups.flatMap((g: Group) => g.achievements.map((a) => a.id))).toEqual([ids.extra]);
    expect(recognisedIn(onExtra)).toEqual([]);
    expect(onExtra.totals.recognised).toMatchObject({ bySystem: [], home: { credits: '0' } });
  });
});

describe('a reviewer\'s grant', () => {
  it('shows without a catalogue item when the reviewer grants a category only, in the target\'s credit system', async () => {
    const learner = await createLearner(t.app, w.target.token);
    const course = await item(t, w.source, { credits: '3' });
    const a = await achieve(t.app, w.source, learner.id, course.id, { result: '80', completedOn: '2024-03-01' });
    const req = (await post(t.app, '/recognition/requests', learner.token, { targetInstitutionId: w.target.id, achievementIds: [a] })).json();
    expect(req.items[0].status).toBe('queued');
    const url = `/recognition/requests/${req.id}/items/${req.items[0].id}/decision`;
    const unknown = await post(t.app, url, w.target.token,
      { outcome: 'partial', credits: '2', category: 'elective', targetItemId: 'DS101 (syllabus match)', reason: 'syllabus covers half', reviewer: 'alice' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'unknown_target_item', errors: [{ pointer: '/body/targetItemId' }] });
    const d = await post(t.app, url, w.target.token, { outcome: 'partial', credits: '2', category: 'elective', reason: 'syllabus covers half', reviewer: 'alice' });
    expect(d.statusCode).toBe(200);
    const tr = await record(learner.token, learner.id);
    const group = tr.groups.find((g: Group) => g.recognised.length > 0);
    expect(group).toMatchObject({ institution: { id: w.target.id }, level: null, field: null, achievements: [] });
    expect(group.recognised[0]).toMatchObject({
      credits: '2.00', category: 'elective', creditSystemId: 'ects', targetItemId: null, catalogueItemId: null, item: null,
      title: { zh: null, en: null }, sources: { achievementIds: [a] }, decision: { requestId: req.id, kind: 'review', outcome: 'partial' },
      history: [{ action: 'granted', actor: `institution:${w.target.id}/client:${w.target.clientId}`, reason: 'syllabus covers half' }],
    });
    // No item hours: 2 ECTS × 25 h (lower bound) = 50 h ÷ 18 h = 2.78 → 2.5 (step 0.5)
    expect(tr.totals.recognised.home.conversions).toEqual([expect.objectContaining({ from: 'ects', credits: '2', hours: '50', converted: '2.5' })]);
  });

  it('names a target item by its code at the target institution, stored as the engine names it', async () => {
    const learner = await createLearner(t.app, w.target.token);
    const course = await item(t, w.source, { credits: '3' });
    const target = await item(t, w.target, { credits: '2' });
    const a = await achieve(t.app, w.source, learner.id, course.id, { result: '80', completedOn: '2024-03-01' });
    const req = (await post(t.app, '/recognition/requests', learner.token, { targetInstitutionId: w.target.id, achievementIds: [a] })).json();
    const d = await post(t.app, `/recognition/requests/${req.id}/items/${req.items[0].id}/decision`, w.target.token,
      { outcome: 'approve', credits: '2', category: 'major', targetItemId: target.code, reason: 'same syllabus' });
    expect(d.statusCode, d.body).toBe(200);
    expect(d.json().items[0].credits).toEqual([expect.objectContaining({ targetItemId: `${w.target.id}:${target.code}` })]);
    const tr = await record(learner.token, learner.id);
    const line = tr.groups.flatMap((g: Group) => g.recognised).find((r: any) => r.sources.achievementIds[0] === a);
    expect(line).toMatchObject({ targetItemId: `${w.target.id}:${target.code}`, catalogueItemId: target.id });
  });
});
