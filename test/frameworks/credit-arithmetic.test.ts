import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertCredits, roundDownToStep, type CreditSystem } from '../../src/frameworks/credit-arithmetic.js';

const ects: CreditSystem = { id: 'ects', name: { en: 'ECTS' }, hoursPerCredit: { min: '25', max: '30' } };
const hkqf: CreditSystem = { id: 'hkqf', name: { en: 'HKQF credit' }, hoursPerCredit: { min: '10', max: '10' } };
const cn: CreditSystem = { id: 'cn-university', name: { en: 'CN credit' }, hoursPerCredit: { min: '16', max: '18' } };

// Decimal strings with up to 2 places, 0.01..200: realistic hours per credit and amounts.
const decimalText = (minCents: number, maxCents: number) =>
  fc.integer({ min: minCents, max: maxCents }).map((c) => new Decimal(c).div(100).toString());
const system = fc
  .tuple(decimalText(1, 5000), decimalText(0, 3000), fc.string({ minLength: 1, maxLength: 6 }))
  .map(([min, extra, id]): CreditSystem => ({
    id, name: { en: id }, hoursPerCredit: { min, max: new Decimal(min).plus(extra).toString() },
  }));
const step = fc.constantFrom('1', '0.5', '0.25', '0.1', '0.3', '2', '0.01');

describe('roundDownToStep', () => {
  it('rounds down to the largest multiple of the step', () => {
    expect(roundDownToStep('18.75', '0.5').toString()).toBe('18.5');
    expect(roundDownToStep('18.5', '0.5').toString()).toBe('18.5');
    expect(roundDownToStep('0.99', '1').toString()).toBe('0');
    expect(roundDownToStep('-0.2', '1').toString()).toBe('-1');
    expect(roundDownToStep('1', '0.3').toString()).toBe('0.9');
  });

  it('stays below a value whose digits exceed default decimal.js precision', () => {
    const v = '2.99999999999999999999999999';
    expect(roundDownToStep(v, '1').toString()).toBe('2');
  });

  it('rejects a zero or negative step', () => {
    expect(() => roundDownToStep('1', '0')).toThrow(RangeError);
    expect(() => roundDownToStep('1', '-0.5')).toThrow(RangeError);
  });

  it('never rounds up, is a multiple of the step, and loses less than one step', () => {
    fc.assert(fc.property(decimalText(-100000, 100000), step, (v, s) => {
      const r = roundDownToStep(v, s);
      expect(r.lte(v)).toBe(true);
      expect(r.mod(s).isZero()).toBe(true);
      expect(new Decimal(v).minus(r).lt(s)).toBe(true);
    }));
  });

  it('is monotone: a larger value never rounds to a smaller result', () => {
    fc.assert(fc.property(decimalText(-100000, 100000), decimalText(-100000, 100000), step, (a, b, s) => {
      const [lo, hi] = new Decimal(a).lte(b) ? [a, b] : [b, a];
      expect(roundDownToStep(lo, s).lte(roundDownToStep(hi, s))).toBe(true);
    }));
  });
});

describe('convertCredits', () => {
  it('uses the lower source bound and explains every step', () => {
    const r = convertCredits('7.5', ects, hkqf);
    expect(r.hours.toString()).toBe('187.5');
    expect(r.unrounded.toString()).toBe('18.75');
    expect(r.credits.toString()).toBe('18.5');
    expect(r.basis).toBe('7.5 ECTS × 25 h (lower bound) = 187.5 h; ÷ 10 h per HKQF credit = 18.75 → 18.5 (step 0.5)');
    expect([r.from, r.to, r.step.toString()]).toEqual(['ects', 'hkqf', '0.5']);
  });

  it('divides by the upper target bound so a range never inflates the result', () => {
    const r = convertCredits('60', hkqf, ects, { step: '1' });
    expect(r.credits.toString()).toBe('20'); // 600 h ÷ 30 h, not ÷ 25 h = 24
    expect(r.basis).toContain('÷ 30 h per ECTS credit (upper bound)');
  });

  it("honours the item's own hours when lower, and caps them when inflated", () => {
    expect(convertCredits('5', ects, hkqf, { hours: '100' }).credits.toString()).toBe('10');
    const capped = convertCredits('5', ects, hkqf, { hours: '1000', step: '1' });
    expect(capped.hours.toString()).toBe('150');
    expect(capped.credits.toString()).toBe('15');
    expect(capped.basis).toContain('capped');
  });

  it('rejects negative amounts, bad steps and inverted hour ranges', () => {
    expect(() => convertCredits('-1', ects, hkqf)).toThrow(RangeError);
    expect(() => convertCredits('1', ects, hkqf, { step: '0' })).toThrow(RangeError);
    expect(() => convertCredits('abc', ects, hkqf)).toThrow(RangeError);
    const inverted = { ...cn, hoursPerCredit: { min: '18', max: '16' } };
    expect(() => convertCredits('1', inverted, hkqf)).toThrow(/min must be ≤ max/);
  });

  it('accepts Decimal inputs', () => {
    expect(convertCredits(new Decimal(3), cn, hkqf, { step: new Decimal(1) }).credits.toString()).toBe('4');
  });

  it('never creates credit on a round trip A → B → A', () => {
    fc.assert(fc.property(system, system, decimalText(0, 50000), step, step, (a, b, amount, s1, s2) => {
      const there = convertCredits(amount, a, b, { step: s1 });
      const back = convertCredits(there.credits, b, a, { step: s2 });
      expect(back.credits.lte(amount)).toBe(true);
    }));
  });

  it('rests on no more hours than the source guarantees, and results are step multiples', () => {
    fc.assert(fc.property(system, system, decimalText(0, 50000), step, (a, b, amount, s) => {
      const r = convertCredits(amount, a, b, { step: s });
      expect(r.credits.mod(s).isZero()).toBe(true);
      expect(r.credits.lte(r.unrounded)).toBe(true);
      // Even read at the target's most generous hours per credit, the result rests on no more
      // hours than the source guarantees at its least generous reading.
      const targetHoursMax = r.credits.times(b.hoursPerCredit.max);
      expect(targetHoursMax.lte(new Decimal(amount).times(a.hoursPerCredit.min))).toBe(true);
    }));
  });
});
