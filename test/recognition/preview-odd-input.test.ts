import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oddVariants, type Json } from '../helpers/json-variants.js';
import type { TestApp } from '../helpers/test-app.js';
import { post, publishRule, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  ({ t, w } = await worldApp());
  await publishRule(t.app, w.target.token, { type: 'block', definition: { pattern: { kinds: ['exam'] }, credits: '4', category: 'elective', conditions: { allowLowerLevel: true } } });
  await publishRule(t.app, w.target.token, { type: 'conversion', definition: { pattern: { kinds: ['course'] }, step: '0.5', category: 'elective', conditions: { allowLowerLevel: true } } });
});
afterAll(async () => t.close());

const body = (): Json => ({ targetInstitutionId: w.target.id, date: '2025-01-01', achievements: [
  { id: 'e', kind: 'exam', credits: '4', creditSystemId: 'cn-university', completedOn: '2024-01-01', sourceInstitutionId: w.source.id },
  { id: 'c', kind: 'course', credits: '6', creditSystemId: 'ects', notionalHours: '150', completedOn: '2024-01-01', sourceInstitutionId: w.source.id, result: '80' }] });

describe('the public recognition preview with described achievements of any odd shape', () => {
  it('every field removed or of the wrong type is answered (an outcome or a problem naming the field), never a 500', async () => {
    const problems: string[] = [];
    for (const v of oddVariants(body())) {
      const res = await post(t.app, '/recognition/preview', undefined, v.value);
      if (res.statusCode >= 500 || (res.statusCode >= 400 && typeof res.json().code !== 'string')) problems.push(`${v.label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
  });

  it('negative credits or notional hours are a 400 naming the field (they reached the credit arithmetic, which threw: a 500)', async () => {
    for (const [field, value] of [['credits', '-1'], ['notionalHours', '-5']] as const) {
      const b = body() as any;
      b.achievements[1][field] = value;
      const res = await post(t.app, '/recognition/preview', undefined, b);
      expect(res.statusCode, field).toBe(400);
      expect(JSON.stringify(res.json()), field).toContain(`/body/achievements/1/${field}`);
    }
  });
});
