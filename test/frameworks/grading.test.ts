import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareResults, convertGrade, isPassing, isValidResult,
  type GradeConversionTable, type GradingScheme,
} from '../../src/frameworks/grading.js';

const percentage: GradingScheme = { id: 'percentage', name: { en: 'Percentage' }, kind: 'numeric', min: '0', max: '100', pass: '60' };
const g = (code: string, passing: boolean) => ({ code, label: { en: code }, passing });
const ects: GradingScheme = {
  id: 'ects-grade', name: { en: 'ECTS grade' }, kind: 'ordinal',
  grades: [g('F', false), g('FX', false), g('E', true), g('D', true), g('C', true), g('B', true), g('A', true)],
};
const cefr: GradingScheme = {
  id: 'cefr', name: { en: 'CEFR' }, kind: 'ordinal',
  grades: ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'].map((c) => g(c, true)),
};
const toEcts: GradeConversionTable = {
  id: 'pct-ects', from: 'percentage', to: 'ects-grade', source: 'test',
  bands: [
    { from: { min: '0', max: '60' }, to: 'F' }, { from: { min: '60', max: '70' }, to: 'E' },
    { from: { min: '70', max: '80' }, to: 'D' }, { from: { min: '80', max: '90' }, to: 'C' },
    { from: { min: '90', max: '95' }, to: 'B' }, { from: { min: '95' }, to: 'A' },
  ],
};
const cefrToPassFail: GradeConversionTable = {
  id: 'cefr-b2', from: 'cefr', to: 'pass-fail', source: 'test',
  bands: [{ from: { grade: 'B2' }, to: 'P' }, { from: { grade: 'C1' }, to: 'P' }],
};
const pct = fc.integer({ min: 0, max: 10000 }).map((c) => new Decimal(c).div(100).toString());

describe('isValidResult', () => {
  it('accepts numbers within a numeric range in plain decimal notation only', () => {
    expect(isValidResult(percentage, '0')).toBe(true);
    expect(isValidResult(percentage, '100')).toBe(true);
    expect(isValidResult(percentage, '59.5')).toBe(true);
    for (const bad of ['100.01', '-1', '', ' 60', '1e1', '0x10', 'sixty']) {
      expect(isValidResult(percentage, bad)).toBe(false);
    }
  });

  it('accepts only listed codes of an ordinal scheme, case-sensitively', () => {
    expect(isValidResult(ects, 'FX')).toBe(true);
    expect(isValidResult(ects, 'fx')).toBe(false);
    expect(isValidResult(cefr, 'C3')).toBe(false);
  });

  it('rejects a malformed scheme instead of guessing', () => {
    expect(() => isValidResult({ ...percentage, max: undefined }, '5')).toThrow(/min ≤ max/);
    expect(() => isValidResult({ ...ects, grades: [] }, 'A')).toThrow(/non-empty/);
  });
});

describe('compareResults', () => {
  it('orders ordinal grades from lowest to highest as listed', () => {
    expect(compareResults(cefr, 'A1', 'C2')).toBe(-1);
    expect(compareResults(ects, 'A', 'FX')).toBe(1);
    expect(compareResults(ects, 'E', 'E')).toBe(0);
  });

  it('orders numbers by value, not by text', () => {
    expect(compareResults(percentage, '9', '10')).toBe(-1);
    expect(compareResults(percentage, '60.0', '60')).toBe(0);
  });

  it('throws on a result the scheme does not allow', () => {
    expect(() => compareResults(cefr, 'A1', 'Z')).toThrow(RangeError);
    expect(() => compareResults(percentage, '101', '5')).toThrow(RangeError);
  });

  it('is antisymmetric and agrees with decimal order', () => {
    fc.assert(fc.property(pct, pct, (a, b) => {
      expect(compareResults(percentage, a, b)).toBe(-compareResults(percentage, b, a) || 0);
      expect(compareResults(percentage, a, b)).toBe(new Decimal(a).comparedTo(b));
    }));
  });
});

describe('isPassing', () => {
  it('passes at and above the pass mark', () => {
    expect(isPassing(percentage, '60')).toBe(true);
    expect(isPassing(percentage, '59.99')).toBe(false);
  });

  it('uses the passing flag of ordinal grades', () => {
    expect(isPassing(ects, 'E')).toBe(true);
    expect(isPassing(ects, 'FX')).toBe(false);
    expect(isPassing(cefr, 'A1')).toBe(true);
  });

  it('treats a numeric scheme without a pass mark as having no failing result', () => {
    expect(isPassing({ ...percentage, pass: undefined }, '0')).toBe(true);
  });

  it('is monotone: a higher result never passes less', () => {
    fc.assert(fc.property(pct, pct, (a, b) => {
      if (compareResults(percentage, a, b) <= 0 && isPassing(percentage, a)) {
        expect(isPassing(percentage, b)).toBe(true);
      }
    }));
  });
});

describe('convertGrade', () => {
  it('maps numeric results through half-open bands', () => {
    expect(convertGrade(toEcts, percentage, '59.99')).toBe('F');
    expect(convertGrade(toEcts, percentage, '60')).toBe('E');
    expect(convertGrade(toEcts, percentage, '94.5')).toBe('B');
    expect(convertGrade(toEcts, percentage, '100')).toBe('A');
  });

  it('maps ordinal grades one to one and reports uncovered grades as undefined', () => {
    expect(convertGrade(cefrToPassFail, cefr, 'B2')).toBe('P');
    expect(convertGrade(cefrToPassFail, cefr, 'A2')).toBeUndefined();
  });

  it('returns undefined for a result the source scheme does not allow', () => {
    expect(convertGrade(toEcts, percentage, '101')).toBeUndefined();
  });

  it('refuses a table written for another scheme', () => {
    expect(() => convertGrade(toEcts, cefr, 'B2')).toThrow(/converts from percentage/);
  });

  it('is monotone over the table: a higher percentage never gets a lower ECTS grade', () => {
    fc.assert(fc.property(pct, pct, (a, b) => {
      if (compareResults(percentage, a, b) > 0) return;
      const ga = convertGrade(toEcts, percentage, a)!;
      const gb = convertGrade(toEcts, percentage, b)!;
      expect(compareResults(ects, ga, gb)).toBeLessThanOrEqual(0);
    }));
  });
});
