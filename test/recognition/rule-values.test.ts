import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { post, worldApp, type World } from './service-fixtures.js';

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
});
