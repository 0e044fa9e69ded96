import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCandidates } from '../../../src/recognition/engine/candidates.js';
import { buildContext } from '../../../src/recognition/engine/context.js';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import { capUnits, commonDivisor, creditUnits } from '../../../src/recognition/engine/units.js';
import { frontier, singleFrontier } from '../../../src/recognition/engine/capacity-dp.js';
import type { Candidate } from '../../../src/recognition/engine/result-types.js';
import { d } from '../fixtures/engine-fixtures.js';
import { worldArb } from '../fixtures/engine-arbitraries.js';

// Credits with up to four decimal places, and caps that may not terminate (a fraction n/3 or n/7).
const creditArb = fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 4 }))
  .map(([n, places]) => new Decimal(n).div(new Decimal(10).pow(places)));
const capArb = fc.tuple(fc.integer({ min: 0, max: 400_000 }), fc.constantFrom(1, 3, 7, 100, 1000))
  .map(([n, den]) => new Decimal(n).div(den));

const sumOf = (xs: Decimal[]): Decimal => xs.reduce((s, x) => s.plus(x), new Decimal(0));

describe('integer credit units', () => {
  it('represent every value exactly and add up like decimals', () => {
    fc.assert(fc.property(fc.array(creditArb, { minLength: 1, maxLength: 12 }), (values) => {
      const { scale, units } = creditUnits(values);
      units.forEach((u, i) => expect(new Decimal(u).div(scale).eq(values[i]!)).toBe(true));
      expect(new Decimal(units.reduce((s, u) => s + u, 0)).eq(sumOf(values).times(scale))).toBe(true);
    }), { numRuns: 300 });
  });

  it('compare every subset sum with a cap exactly as decimal arithmetic does', () => {
    fc.assert(fc.property(fc.array(creditArb, { minLength: 1, maxLength: 8 }), capArb, fc.nat(255), (values, cap, mask) => {
      const { scale, units } = creditUnits(values);
      const rhs = capUnits(cap, scale);
      const chosen = values.map((_, i) => i).filter((i) => mask & (1 << i));
      const byUnits = chosen.reduce((s, i) => s + units[i]!, 0) <= rhs;
      expect(byUnits).toBe(sumOf(chosen.map((i) => values[i]!)).lte(cap));
    }), { numRuns: 500 });
  });

  it('divided by their common divisor, with the cap floored, decide every subset sum the same way', () => {
    fc.assert(fc.property(fc.array(creditArb, { minLength: 1, maxLength: 8 }), capArb, fc.nat(255), (values, cap, mask) => {
      const { scale, units } = creditUnits(values);
      const g = commonDivisor(units);
      units.forEach((u) => expect(u % g).toBe(0));
      const rhs = Math.floor(capUnits(cap, scale) / g);
      const chosen = values.map((_, i) => i).filter((i) => mask & (1 << i));
      expect(chosen.reduce((s, i) => s + units[i]! / g, 0) <= rhs).toBe(sumOf(chosen.map((i) => values[i]!)).lte(cap));
    }), { numRuns: 500 });
    expect(commonDivisor([15, 20, 25])).toBe(5);
    expect(commonDivisor([0, 0])).toBe(1);
    expect(commonDivisor([0, 12, 18])).toBe(6);
    expect(commonDivisor([7, 3])).toBe(1);
  });

  it('keeps a cap beyond 2^53 units above every sum instead of losing precision', () => {
    const { scale } = creditUnits([d('0.0001')]);
    expect(capUnits(new Decimal('1e30'), scale)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

function bruteForceUnderFraction(cands: Candidate[], limit: Decimal, perInst: Decimal | undefined): Decimal {
  let best = new Decimal(0);
  for (let mask = 0; mask < 1 << cands.length; mask++) {
    const chosen = cands.filter((_, i) => mask & (1 << i));
    const keys = chosen.flatMap((c) => [...c.achievementIds, ...c.grants.flatMap((g) => (g.targetItemId ? [`t:${g.targetItemId}`] : []))]);
    if (new Set(keys).size !== keys.length) continue;
    const byRule = new Map<string, Candidate[]>();
    for (const c of chosen) byRule.set(c.rule.id, [...(byRule.get(c.rule.id) ?? []), c]);
    if ([...byRule.values()].some((cs) => cs[0]!.rule.maxCredits && sumOf(cs.map((c) => c.credits)).gt(cs[0]!.rule.maxCredits))) continue;
    const insts = new Set(chosen.flatMap((c) => c.sourceInstitutionIds));
    if (perInst && [...insts].some((i) => sumOf(chosen.filter((c) => c.sourceInstitutionIds.includes(i)).map((c) => c.credits)).gt(perInst))) continue;
    const total = sumOf(chosen.map((c) => c.credits));
    if (total.lte(limit)) best = Decimal.max(best, total);
  }
  return best;
}

describe('knapsack under a programme fraction cap', () => {
  it('finds the brute-force best total when the cap is a third of the programme (not a terminating decimal)', () => {
    const arb = fc.tuple(worldArb, fc.integer({ min: 1, max: 40 })).filter(([{ rules, input }]) =>
      buildCandidates(indexRules(rules), buildContext(input)).candidates.length <= 11);
    fc.assert(fc.property(arb, ([{ rules, input }, total]) => {
      // Replaces any absolute programme maximum of the generated world by the fraction alone.
      const caps = { ...input.target.caps, programme: { fraction: { numerator: d(1), denominator: d(3) } } };
      const inp = { ...input, target: { ...input.target, programmeTotalCredits: d(total), caps } };
      const { candidates } = buildCandidates(indexRules(rules), buildContext(inp));
      const limit = d(total).div(3);
      const got = evaluate(inp, indexRules(rules), solver).totals.total;
      expect(got.toString()).toBe(bruteForceUnderFraction(candidates, limit, inp.target.caps.perSourceInstitution).toString());
    }), { numRuns: 150 });
  });
});

describe('frontier of a one-candidate component', () => {
  it('matches the enumerated frontier without building a model', () => {
    fc.assert(fc.property(fc.nat(20), fc.nat(2), fc.integer({ min: 1, max: 3 }), fc.nat(500), (units, lines, size, index) => {
      const model = { members: [index], units: [units], lines: [lines], sizes: [size], conflicts: [], caps: [] };
      expect(singleFrontier(index, units, lines, size)).toEqual(frontier(model));
    }), { numRuns: 300 });
  });
});
