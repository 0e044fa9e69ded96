import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { sql } from 'kysely';
import { post, publishRule, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;
beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());

const exam = { id: 'e', kind: 'exam', credits: '4', creditSystemId: 'cn-university', completedOn: '2024-01-01' };
const publish = (type: string, definition: Record<string, unknown>) =>
  post(t.app, '/rules', w.target.token, { type, effectiveFrom: '2020-01-01', rationale: 'x', evidence: [], definition });
const rules = async () => Number((await t.ctx.db.selectFrom('recognition_rules').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('rule values that would break every evaluation at the target are refused at publication', () => {
  it('a conversion step of zero (it would divide by zero in every preview at the target), naming the field, writing nothing', async () => {
    const before = await rules();
    for (const step of ['0', '0.0', '000.0000']) {
      const res = await publish('conversion', { pattern: { kinds: ['exam'] }, step, category: 'elective', conditions: { allowLowerLevel: true } });
      expect(res.statusCode, step).toBe(422);
      expect(res.json()).toMatchObject({ code: 'invalid_rule_definition', errors: [{ pointer: '/body/definition/step' }] });
      expect(res.json().detail).toContain('above 0');
    }
    expect(await rules()).toBe(before);
    expect((await publish('conversion', { pattern: { kinds: ['exam'] }, step: '0.5', category: 'elective', conditions: { allowLowerLevel: true } })).statusCode).toBe(201);
    const preview = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, achievements: [{ ...exam, sourceInstitutionId: w.source.id }] });
    expect(preview.statusCode).toBe(200);
  });

  it('a programme share over a zero denominator or above the whole programme', async () => {
    for (const fraction of ['1/0', '0/0', '5/3', '2']) {
      const res = await publish('caps', { programmeTotalCredits: '60', programme: { fraction } });
      expect(res.statusCode, fraction).toBe(422);
      expect(res.json()).toMatchObject({ code: 'invalid_rule_definition', errors: [{ pointer: '/body/definition/programme/fraction' }] });
    }
    for (const fraction of ['0', '1/3', '3/3', '1', '0.25']) expect((await publish('caps', { programmeTotalCredits: '60', programme: { fraction } })).statusCode, fraction).toBe(201);
    const preview = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, achievements: [{ ...exam, sourceInstitutionId: w.source.id }] });
    expect(preview.statusCode).toBe(200);
  });

  it('an operator naming a target institution that does not exist gets a 422 naming the field, not a 500 (found by test/http/api-fuzz)', async () => {
    const before = await rules();
    const res = await post(t.app, '/rules', w.op, { type: 'caps', targetInstitutionId: '00000016-ac63-13ba-b724-388cc2945df0', effectiveFrom: '2020-01-01',
      rationale: 'x', evidence: [], definition: { programmeTotalCredits: '60', programme: { fraction: '1/3' } } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'unknown_institution', errors: [{ pointer: '/body/targetInstitutionId' }] });
    expect(await rules()).toBe(before);
  });

  it('a stored rule that today\'s checks refuse (published before them) is left out of evaluations, which go on with the other rules', async () => {
    const { world } = await import('./service-fixtures.js');
    const v = await world(t);
    const good = await publishRule(t.app, v.target.token, { type: 'block', definition: { pattern: { kinds: ['exam'] }, credits: '2', category: 'elective', conditions: { allowLowerLevel: true } } });
    const bad = await publishRule(t.app, v.target.token, { type: 'conversion', definition: { pattern: { kinds: ['exam'] }, step: '1', category: 'elective', conditions: { allowLowerLevel: true } } });
    // As an older version of the service could have stored it (past the append-only trigger, for the test only).
    await t.ctx.db.transaction().execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx);
      await sql`update recognition_rules set definition = jsonb_set(definition, '{step}', '"0"') where id = ${bad.id}`.execute(tx);
    });
    t.ctx.recognition.evaluator.invalidate(v.target.id);
    const preview = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: v.target.id, achievements: [{ ...exam, sourceInstitutionId: v.source.id }] });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().outcomes[0]).toMatchObject({ status: 'match', ruleId: good.id });
  });
});
