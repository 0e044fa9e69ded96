import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GradeConversionTable, GradingScheme } from '../../src/frameworks/grading.js';
import type { Programme } from '../../src/qualifications/audit/programme.js';
import { resultCheck, type RecordContext } from '../../src/qualifications/record-items.js';

const file = (name: string) => JSON.parse(readFileSync(new URL(`../../frameworks/${name}`, import.meta.url), 'utf8'));
const schemes = new Map((file('grading-schemes.json').gradingSchemes as GradingScheme[]).map((s) => [s.id, s]));
const conversions = file('grade-conversions.json').gradeConversions as GradeConversionTable[];

function context(minimumResults: Programme['minimumResults'], gradeConversions: GradeConversionTable[] = conversions): RecordContext {
  return {
    programme: { minimumResults } as Programme, mapping: {} as RecordContext['mapping'], catalogue: new Map(), slugs: new Map(),
    gradingScheme: (id) => schemes.get(id), creditSystem: () => undefined, gradeConversions,
  };
}

describe('minimum results across grading schemes', () => {
  const percentage60 = context([{ scheme: 'percentage', result: '60' }]);

  it('compares a result in the minimum\'s own scheme directly', () => {
    expect(resultCheck(percentage60, 'percentage', '75')).toBe('pass');
    expect(resultCheck(percentage60, 'percentage', '59')).toBe('fail');
  });

  it('maps a result in another scheme through a loaded conversion table', () => {
    expect(resultCheck(percentage60, 'cn-five-grade', '中')).toBe('pass'); // → 70
    const percentage75 = context([{ scheme: 'percentage', result: '75' }]);
    expect(resultCheck(percentage75, 'cn-five-grade', '中')).toBe('fail');
    expect(resultCheck(percentage75, 'cn-five-grade', '良')).toBe('pass');
  });

  it('never passes a result no table maps: not comparable', () => {
    expect(resultCheck(percentage60, 'letter-af', 'A')).toBe('not-comparable');
    expect(resultCheck(context([{ scheme: 'percentage', result: '60' }], []), 'cn-five-grade', '优')).toBe('not-comparable');
  });

  it('passes any passing result when the programme sets no minimum, and a completion without a result', () => {
    expect(resultCheck(context(undefined), 'letter-af', 'C')).toBe('pass');
    expect(resultCheck(percentage60, 'letter-af', null)).toBe('pass');
  });
});
