import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GradeConversionTable, GradingScheme } from '../../src/frameworks/grading.js';
import type { Programme } from '../../src/qualifications/audit/programme.js';
import { resultCheck, type RecordContext } from '../../src/qualifications/record-items.js';
import { recognisedItem, type RecognisedCredit } from '../../src/qualifications/extra-items.js';
import { convertCredits, type CreditSystem } from '../../src/frameworks/credit-arithmetic.js';
import type { Decimal } from 'decimal.js';

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

describe('recognised credit in the audit', () => {
  const systems = new Map((file('credit-systems.json').creditSystems as { id: string; name: { en: string }; hoursPerCredit: { min: string; max: string } | null }[])
    .filter((s) => s.hoursPerCredit !== null).map((s) => [s.id, s as CreditSystem]));
  const c: RecordContext = {
    programme: { creditSystem: 'cn-university' } as Programme, mapping: { eligibility: [] } as unknown as RecordContext['mapping'],
    catalogue: new Map(), slugs: new Map(), gradingScheme: (id) => schemes.get(id), creditSystem: (id) => systems.get(id), gradeConversions: conversions,
  };
  const credit = (over: Partial<RecognisedCredit>): RecognisedCredit => ({
    id: 'r1', credits: '5', category: 'elective', targetItemId: null, sourceAchievementIds: [], sourceInstitutionIds: [], recognisedOn: '2025-01-10', programmeId: null, ...over,
  });

  it('counts credit granted in the programme\'s own system as it is', () => {
    expect((recognisedItem(c, credit({ creditSystemId: 'cn-university' }), new Map()) as { credits: Decimal }).credits.toString()).toBe('5');
  });

  it('converts credit granted in another system by notional hours (5 ECTS is not 5 programme credits)', () => {
    const item = recognisedItem(c, credit({ creditSystemId: 'ects' }), new Map()) as { credits: Decimal };
    const expected = convertCredits('5', systems.get('ects')!, systems.get('cn-university')!, {}).credits;
    expect(item.credits.toString()).toBe(expected.toString());
    expect(item.credits.eq(5)).toBe(false);
  });

  it('names an external issuer (credit resting on an import) by its trust-list entry, so provider caps see it', () => {
    expect(recognisedItem(c, credit({ creditSystemId: 'cn-university', sourceTrustEntryIds: ['e1'] }), new Map())).toMatchObject({ provider: 'trusted-issuer:e1' });
    expect(recognisedItem(c, credit({ creditSystemId: 'cn-university' }), new Map())).toMatchObject({ provider: 'unknown' });
  });

  it('excludes credit in a system that cannot be converted, naming why', () => {
    expect(recognisedItem(c, credit({ creditSystemId: 'ecvet' }), new Map())).toMatchObject({ itemId: 'recognised:r1', reason: 'credit-system' });
  });
});
