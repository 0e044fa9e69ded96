import { describe, expect, it } from 'vitest';
import type { GradingScheme } from '../../../src/frameworks/grading.js';
import { resultDescriptionFor, resultTypeOf } from '../../../src/credentials/core/result-description.js';

const percentage: GradingScheme = { id: 'percentage', name: { en: 'Percentage mark', zh: '百分制' }, kind: 'numeric', min: '0', max: '100', pass: '60' };
const ects: GradingScheme = {
  id: 'ects-grade', name: { en: 'ECTS grading scale' }, kind: 'ordinal',
  grades: [['F', false], ['FX', false], ['E', true], ['D', true], ['C', true], ['B', true], ['A', true]]
    .map(([code, passing]) => ({ code: code as string, label: { en: String(code) }, passing: passing as boolean })),
};
const ACH = 'https://bank.test/catalogue/1b2c';

describe('ResultDescription of a grading scheme', () => {
  it('describes a numeric scheme by its range and requires its pass mark', () => {
    expect(resultDescriptionFor(ACH, percentage)).toEqual({
      id: `${ACH}#result-percentage`, name: '百分制 Percentage mark', resultType: 'Percent',
      valueMin: '0', valueMax: '100', requiredValue: '60',
    });
  });

  it('lists ordinal grades lowest first and requires the lowest passing grade', () => {
    const d = resultDescriptionFor(ACH, ects);
    expect(d).toMatchObject({ resultType: 'LetterGrade', name: 'ECTS grading scale', allowedValue: ['F', 'FX', 'E', 'D', 'C', 'B', 'A'], requiredValue: 'E' });
    expect(d.valueMin).toBeUndefined();
  });

  it('requires nothing of a numeric scheme without a pass mark', () => {
    expect(resultDescriptionFor(ACH, { ...percentage, id: 'points', pass: undefined }).requiredValue).toBeUndefined();
  });

  it('maps known schemes to OB result types, pass/fail to an ext: type, and an unknown scheme to the generic Result', () => {
    expect(resultTypeOf({ ...ects, id: 'cn-five-grade' })).toBe('PerformanceLevel');
    expect(resultTypeOf({ ...ects, id: 'pass-fail' })).toMatch(/^ext:[A-Za-z0-9._-]+$/);
    expect(resultTypeOf({ ...ects, id: 'house-scale' })).toBe('Result');
  });

  it('escapes a scheme id in the fragment so the id stays a URI', () => {
    expect(resultDescriptionFor(ACH, { ...percentage, id: 'a b/c' }).id).toBe(`${ACH}#result-a%20b%2Fc`);
  });
});
