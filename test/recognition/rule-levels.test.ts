import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/principal.js';
import { DEMO_MAPPING, demoProgramme } from '../../src/qualifications/demo-seed.js';
import type { TestApp } from '../helpers/test-app.js';
import type { ItemSpec } from '../records/fixtures.js';
import { achieve, get, item, post, publishRule, ruleItem, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;

beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());

const outcome = (body: any, id: string) => body.outcomes.find((o: any) => o.achievementId === id);
const gd = (level: number) => ({ frameworkId: 'gd-ltlqf', version: '2017', level });

/** A catalogue item whose level is in another framework (the fixture inserts gd-ltlqf levels). */
async function itemIn(inst: World['target'], framework: string, version: string, level: number, spec: ItemSpec = {}) {
  const it = await item(t, inst, spec);
  await sql`update catalogue_items set framework_id = ${framework}, framework_version = ${version}, level = ${level} where id = ${it.id}`.execute(t.ctx.db);
  return it;
}

const equivalency = (src: { code: string }, tgt: { code: string }, extra: Record<string, unknown> = {}) => ({
  type: 'equivalency', definition: { sources: [ruleItem(w.source, src.code, '4')], targets: [ruleItem(w.target, tgt.code, '4')], ...extra },
});

describe('the level constraint is the default', () => {
  it('stores the target item\'s level in the published version when the rule states none', async () => {
    const src = await item(t, w.source, { level: 5 });
    const tgt = await item(t, w.target, { level: 5 });
    const rule = await publishRule(t.app, w.target.token, equivalency(src, tgt));
    expect(rule.definition.conditions).toEqual({ targetLevel: gd(5) });
    const stored = (await get(t.app, `/rules/${rule.id}`)).json().versions[0];
    expect(stored.definition.conditions.targetLevel).toEqual(gd(5));
  });

  it('takes the highest level of several target items, and of every version when the rule names none', async () => {
    const src = await item(t, w.source);
    const t1 = await item(t, w.target, { level: 4 });
    const t2 = await item(t, w.target, { level: 5 });
    await item(t, w.target, { code: t1.code, version: 2, level: 6 });
    const rule = await publishRule(t.app, w.target.token, {
      type: 'equivalency', definition: { sources: [ruleItem(w.source, src.code, '4')], targets: [ruleItem(w.target, t1.code, '2'), ruleItem(w.target, t2.code, '2')] },
    });
    expect(rule.definition.conditions.targetLevel).toEqual(gd(6));
  });

  it('misses a lower-level source and sends one with no level to review, in preview and in a request', async () => {
    const src = await item(t, w.source, { level: 4 });
    const unlevelled = await item(t, w.source, { level: null });
    const tgt = await item(t, w.target, { level: 5 });
    const rule = await publishRule(t.app, w.target.token, {
      type: 'equivalency', definition: { sources: [ruleItem(w.source, src.code, '4')], targets: [ruleItem(w.target, tgt.code, '4')] },
    });
    const rule2 = await publishRule(t.app, w.target.token, equivalency(unlevelled, await item(t, w.target, { level: 5 })));
    const low = await achieve(t.app, w.source, w.learner.id, src.id);
    const none = await achieve(t.app, w.source, w.learner.id, unlevelled.id);
    const preview = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [low, none] });
    expect(preview.statusCode).toBe(200);
    expect(outcome(preview.json(), low)).toMatchObject({ status: 'miss', reason: 'level_too_low', ruleId: rule.id });
    expect(outcome(preview.json(), none)).toMatchObject({ status: 'maybe', reason: 'level_not_comparable', ruleId: rule2.id, ruleVersion: 1, reviewer: { institutionId: w.target.id } });
    expect(preview.json().unevaluated).toEqual([none]);

    const req = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [none] });
    expect(req.statusCode).toBe(201);
    expect(req.json().items[0]).toMatchObject({ status: 'queued', evaluation: { status: 'maybe', reason: 'level_not_comparable', ruleId: rule2.id } });
    expect(req.json().items[0].decisions).toEqual([]);
  });

  it('stores no level and checks none when the rule allows a lower level', async () => {
    const src = await item(t, w.source, { level: 2 });
    const tgt = await item(t, w.target, { level: 5 });
    const rule = await publishRule(t.app, w.target.token, equivalency(src, tgt, { conditions: { allowLowerLevel: true } }));
    expect(rule.definition.conditions).toEqual({ allowLowerLevel: true });
    const res = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, achievements: [{ id: 'a', catalogueItemId: src.id, completedOn: '2024-01-01' }] });
    expect(outcome(res.json(), 'a')).toMatchObject({ status: 'match', ruleId: rule.id });
  });

  it('keeps a stated level as stated', async () => {
    const src = await item(t, w.source);
    const tgt = await item(t, w.target, { level: 6 });
    const rule = await publishRule(t.app, w.target.token, equivalency(src, tgt, { conditions: { targetLevel: { frameworkId: 'gd-ltlqf', level: 3 } } }));
    expect(rule.definition.conditions.targetLevel).toEqual({ frameworkId: 'gd-ltlqf', level: 3 });
  });

  it('derives the source side\'s level for reading a bidirectional rule back', async () => {
    const src = await item(t, w.source, { level: 4 });
    const tgt = await item(t, w.target, { level: 5 });
    const rule = await publishRule(t.app, w.target.token, equivalency(src, tgt, { bidirectional: true }));
    expect(rule.definition.conditions).toEqual({ targetLevel: gd(5), reverseTargetLevel: gd(4) });
  });

  it('derives from a block rule\'s target item, and nothing for block credit with no target item', async () => {
    const tgt = await item(t, w.target, { level: 3 });
    const named = await publishRule(t.app, w.target.token, { type: 'block', definition: { pattern: { kinds: ['exam'] }, credits: '2', category: 'elective', targetItem: ruleItem(w.target, tgt.code, '2') } });
    expect(named.definition.conditions).toEqual({ targetLevel: gd(3) });
    const open = await publishRule(t.app, w.target.token, { type: 'block', definition: { pattern: { kinds: ['exam'] }, credits: '2', category: 'elective' } });
    expect(open.definition.conditions).toBeUndefined();
  });

  it('compares a source in another framework only through a published mapping', async () => {
    const tgt = await itemIn(w.target, 'eqf', '2017', 5);
    const src = await item(t, w.source);
    const rule = await publishRule(t.app, w.target.token, equivalency(src, tgt));
    expect(rule.definition.conditions.targetLevel).toEqual({ frameworkId: 'eqf', version: '2017', level: 5 });
    const a = (id: string, level: number) => ({ id, catalogueItemId: src.id, level: { frameworkId: 'aqf', version: '2013', level }, completedOn: '2024-01-01' });
    // AQF 7 → EQF 6 and AQF 4 → EQF 4 are published (provisional); AQF 5 has no published mapping.
    const res = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, achievements: [a('aqf7', 7), a('aqf4', 4), a('aqf5', 5)] });
    expect(res.statusCode).toBe(200);
    expect(outcome(res.json(), 'aqf7')).toMatchObject({ status: 'match', ruleId: rule.id });
    expect(outcome(res.json(), 'aqf4')).toMatchObject({ status: 'miss', reason: 'level_too_low' });
    expect(outcome(res.json(), 'aqf5')).toMatchObject({ status: 'maybe', reason: 'level_not_comparable', ruleId: rule.id });
    expect(outcome(res.json(), 'aqf5').explanation).toContain('no published mapping');
  });

  it('refuses target items in different frameworks unless the rule states the level', async () => {
    const src = await item(t, w.source);
    const t1 = await item(t, w.target, { level: 5 });
    const t2 = await itemIn(w.target, 'eqf', '2017', 5);
    const body = { type: 'equivalency', effectiveFrom: '2020-01-01', rationale: 'x', evidence: [],
      definition: { sources: [ruleItem(w.source, src.code, '4')], targets: [ruleItem(w.target, t1.code, '2'), ruleItem(w.target, t2.code, '2')] } };
    const res = await post(t.app, '/rules', w.target.token, body);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'target_level_ambiguous', errors: [{ pointer: '/body/definition/conditions/targetLevel' }] });
    const stated = await post(t.app, '/rules', w.target.token, { ...body, definition: { ...body.definition, conditions: { targetLevel: { frameworkId: 'eqf', version: '2017', level: 5 } } } });
    expect(stated.statusCode).toBe(201);
  });

  it('refuses a stated level that no loaded framework has, writing nothing', async () => {
    const src = await item(t, w.source);
    const tgt = await item(t, w.target);
    const before = await t.ctx.db.selectFrom('recognition_rules').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const res = await post(t.app, '/rules', w.target.token, { effectiveFrom: '2020-01-01', rationale: 'x', evidence: [], ...equivalency(src, tgt, { conditions: { targetLevel: { frameworkId: 'eqf', level: 9 } } }) });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'unknown_framework_level', errors: [{ pointer: '/body/definition/conditions/targetLevel' }] });
    const after = await t.ctx.db.selectFrom('recognition_rules').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(String(after.n)).toBe(String(before.n));
  });

  it('takes a programme\'s level for block credit towards that programme with no target item', async () => {
    const op: Actor = { principal: { kind: 'operator', clientId: 'test', scopes: ['*'] }, requestId: 'test' };
    const id = `levels-${Date.now()}`;
    await t.ctx.qualifications.programmes.publish(w.target.id, { programme: { ...demoProgramme(w.target.slug), id, version: '1' }, mapping: DEMO_MAPPING }, op);
    const rule = await publishRule(t.app, w.target.token, { type: 'block', programmeId: id, definition: { pattern: { kinds: ['exam'] }, credits: '2', category: 'elective' } });
    expect(rule.definition.conditions).toEqual({ targetLevel: gd(4) });
    const unknown = await publishRule(t.app, w.target.token, { type: 'block', programmeId: 'not-a-programme', definition: { pattern: { kinds: ['exam'] }, credits: '2', category: 'elective' } });
    expect(unknown.definition.conditions).toBeUndefined();
  });
});
