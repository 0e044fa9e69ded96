import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleStamp } from '../../src/recognition/rules/rules.repository.js';
import { createInstitution, createLearner } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { achieve, get, item, plusDays, post, publishRule, ruleItem, worldApp, type World } from './service-fixtures.js';

// X holds the source course; Y (the target) publishes X's course ≡ Y's course under an agreement
// of X and Y. Read back, a learner holding Y's course gets X's course at X.
let t: TestApp;
let w: World;

beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());

const outcome = (body: any, id: string) => body.outcomes.find((o: any) => o.achievementId === id);

/** A bilateral agreement of X and Y, in force since 2020. */
async function agreement(X: World['source'], Y: World['target']): Promise<string> {
  const res = await post(t.app, '/agreements', w.op, { kind: 'bilateral', name: { en: 'X–Y credit transfer' }, effectiveFrom: '2020-01-01', parties: [{ institutionId: X.id }, { institutionId: Y.id }] });
  if (res.statusCode !== 201) throw new Error(`agreement: ${res.statusCode} ${res.body}`);
  return String(res.json().id);
}

/** Y publishes X's course ≡ Y's course: under a new X–Y agreement unless `agreementId` is null (Y's own rule). */
async function pair(X: World['source'], Y: World['target'], { bidirectional = true, agreementId }: { bidirectional?: boolean; agreementId?: string | null } = {}) {
  const x = await item(t, X);
  const y = await item(t, Y);
  const owner = agreementId === null ? {} : { agreementId: agreementId ?? await agreement(X, Y) };
  const rule = await publishRule(t.app, Y.token, {
    type: 'equivalency', ...owner,
    definition: { sources: [ruleItem(X, x.code, '3')], targets: [ruleItem(Y, y.code, '4')], bidirectional },
  });
  return { x, y, rule };
}

const heldAtY = (y: { id: string }, id = 'y1') => ({ id, catalogueItemId: y.id, result: '85', completedOn: '2024-06-30' });

describe('bidirectional rules read back at the source institution', () => {
  it('applies a bidirectional 1:1 rule published by Y at X in preview, and not a one-way one', async () => {
    const X = await createInstitution(t.app, w.op);
    const before = await ruleStamp(t.ctx.db, X.id);
    // Warm X's cached index first: publishing at Y must still reach it.
    await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: X.id, achievements: [{ id: 'warm', completedOn: '2024-01-01' }] });
    const both = await pair(X, w.target);
    const oneWay = await pair(X, w.target, { bidirectional: false });
    expect(await ruleStamp(t.ctx.db, X.id)).not.toBe(before);
    const res = await post(t.app, '/recognition/preview', undefined, {
      targetInstitutionId: X.id, achievements: [heldAtY(both.y, 'both'), heldAtY(oneWay.y, 'oneway')],
    });
    expect(res.statusCode).toBe(200);
    expect(outcome(res.json(), 'both')).toMatchObject({ status: 'match', ruleId: both.rule.id, credits: '3', grants: [{ targetItemId: `${X.id}:${both.x.code}`, credits: '3' }] });
    // The public list shows it at X: by appliesAt, not by targetInstitutionId (Y is its target).
    expect((await get(t.app, `/rules?appliesAt=${X.id}`)).json().items.map((r: any) => r.id)).toEqual([both.rule.id]);
    expect((await get(t.app, `/rules?targetInstitutionId=${X.id}`)).json().items).toEqual([]);
    expect((await get(t.app, `/rules?appliesAt=${w.target.id}`)).json().items.map((r: any) => r.id)).toEqual(expect.arrayContaining([both.rule.id, oneWay.rule.id]));
    expect(outcome(res.json(), 'oneway')).toMatchObject({ status: 'maybe' });
    expect(outcome(res.json(), 'oneway').reason).toBeUndefined();
  });

  it('grants the read-back credit automatically in a request at X', async () => {
    const X = await createInstitution(t.app, w.op);
    const { y, x, rule } = await pair(X, w.target);
    const learner = await createLearner(t.app, X.token);
    const a = await achieve(t.app, w.target, learner.id, y.id, { result: '85' });
    const req = await post(t.app, '/recognition/requests', learner.token, { targetInstitutionId: X.id, achievementIds: [a] });
    expect(req.statusCode).toBe(201);
    const it0 = req.json().items[0];
    expect(it0).toMatchObject({ status: 'decided', evaluation: { status: 'match', ruleId: rule.id } });
    expect(it0.decisions[0]).toMatchObject({ kind: 'automatic', outcome: 'approve', credits: '3.00', ruleVersions: [{ id: rule.id, version: 1 }] });
    expect(it0.credits).toEqual([expect.objectContaining({ targetInstitutionId: X.id, targetItemId: `${X.id}:${x.code}`, credits: '3.00' })]);
  });

  it('never reads back an institution\'s own bidirectional rule: Y alone cannot make X grant credit', async () => {
    const X = await createInstitution(t.app, w.op);
    const own = await pair(X, w.target, { agreementId: null });
    expect(own.rule.owner).toEqual({ kind: 'institution', id: w.target.id });
    const row = await t.ctx.db.selectFrom('recognition_rules').select('read_back_institution_id').where('id', '=', own.rule.id).executeTakeFirstOrThrow();
    expect(row.read_back_institution_id).toBeNull();
    const res = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: X.id, achievements: [heldAtY(own.y)] });
    expect(outcome(res.json(), 'y1')).toMatchObject({ status: 'maybe' });
  });

  it('does not read back a rule whose sources sit at several institutions', async () => {
    const X = await createInstitution(t.app, w.op);
    const Z = await createInstitution(t.app, w.op);
    const [x, z, y] = [await item(t, X), await item(t, Z), await item(t, w.target)];
    await publishRule(t.app, w.target.token, {
      type: 'equivalency', agreementId: await agreement(X, w.target), definition: { sources: [ruleItem(X, x.code, '2'), ruleItem(Z, z.code, '2')], targets: [ruleItem(w.target, y.code, '4')], bidirectional: true },
    });
    const rows = await t.ctx.db.selectFrom('recognition_rules').select('id').where('read_back_institution_id', 'in', [X.id, Z.id]).execute();
    expect(rows).toEqual([]);
    const res = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: X.id, achievements: [heldAtY(y)] });
    expect(outcome(res.json(), 'y1')).toMatchObject({ status: 'maybe' });
  });

  it('applies an agreement\'s rule read back only while the reverse party is a member', async () => {
    const X = await createInstitution(t.app, w.op);
    const ag = (await post(t.app, '/agreements', w.op, {
      kind: 'regional', name: { en: 'read-back alliance' }, effectiveFrom: '2020-01-01', parties: [{ institutionId: X.id }, { institutionId: w.target.id }],
    })).json();
    const { y, rule } = await pair(X, w.target, { agreementId: ag.id });
    const leftOn = plusDays(10);
    expect((await post(t.app, `/agreements/${ag.id}/parties/${X.id}/leave`, X.token, { leftOn })).statusCode).toBe(200);
    const on = (date: string) => post(t.app, '/recognition/preview', undefined, { targetInstitutionId: X.id, date, achievements: [heldAtY(y)] });
    expect(outcome((await on(plusDays(9))).json(), 'y1')).toMatchObject({ status: 'match', ruleId: rule.id });
    expect(outcome((await on(leftOn)).json(), 'y1')).toMatchObject({ status: 'miss', reason: 'not_effective', ruleId: rule.id });
  });

  it('never applies the publishing target\'s caps policy at the read-back institution', async () => {
    const X = await createInstitution(t.app, w.op);
    const Y = await createInstitution(t.app, w.op);
    await publishRule(t.app, Y.token, { type: 'caps', definition: { programmeTotalCredits: '10', programme: { max: '1' } } });
    const { y } = await pair(X, Y);
    const res = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: X.id, achievements: [heldAtY(y)] });
    expect(res.json()).toMatchObject({ capsRule: null, totals: { total: '3' } });
  });

  it('lists and re-evaluates the read-back institution\'s waiting items when the rule is published', async () => {
    const X = await createInstitution(t.app, w.op);
    const x = await item(t, X);
    const y = await item(t, w.target);
    const learner = await createLearner(t.app, X.token);
    const a = await achieve(t.app, w.target, learner.id, y.id, { result: '85' });
    const req = await post(t.app, '/recognition/requests', learner.token, { targetInstitutionId: X.id, achievementIds: [a] });
    expect(req.json().items[0]).toMatchObject({ status: 'queued', evaluation: { status: 'maybe' } });
    const rule = await publishRule(t.app, w.target.token, {
      type: 'equivalency', agreementId: await agreement(X, w.target), definition: { sources: [ruleItem(X, x.code, '3')], targets: [ruleItem(w.target, y.code, '4')], bidirectional: true },
    });
    expect((await get(t.app, `/rules/${rule.id}/affected`, w.target.token)).json().items).toEqual([]);
    const affected = await get(t.app, `/rules/${rule.id}/affected`, X.token);
    expect(affected.statusCode).toBe(200);
    expect(affected.json().items).toEqual([expect.objectContaining({ learnerId: learner.id, achievementId: a, after: expect.objectContaining({ status: 'match', ruleId: rule.id }) })]);
    const other = await createInstitution(t.app, w.op);
    expect((await get(t.app, `/rules/${rule.id}/affected`, other.token)).statusCode).toBe(403);
    const done = await post(t.app, `/rules/${rule.id}/re-evaluate`, X.token, {});
    expect(done.json().learners).toBe(1);
    const after = (await get(t.app, `/recognition/requests/${req.json().id}`, learner.token)).json().items[0];
    expect(after.decisions.at(-1)).toMatchObject({ kind: 're-evaluation', outcome: 'approve', credits: '3.00', ruleVersions: [{ id: rule.id, version: 1 }] });
    expect(after.credits).toEqual([expect.objectContaining({ targetInstitutionId: X.id, credits: '3.00' })]);
  });
});
