import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCandidates } from '../../../src/recognition/engine/candidates.js';
import { buildContext } from '../../../src/recognition/engine/context.js';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import type { Candidate } from '../../../src/recognition/engine/result-types.js';
import type { EvaluationInput, PriorRecognition, Rule } from '../../../src/recognition/engine/types.js';
import { cappedWorldArb } from '../fixtures/engine-arbitraries.js';
import { achievement, block, d, input, target } from '../fixtures/engine-fixtures.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

const ZERO = new Decimal(0);
const sumOf = (xs: { credits: Decimal }[]): Decimal => xs.reduce((s, c) => s.plus(c.credits), ZERO);
// What is left of a cap after earlier recognition; a cap already used up leaves nothing.
const room = (max: Decimal, used: PriorRecognition[]): Decimal => Decimal.max(max.minus(sumOf(used)), 0);

// The window's first day, by calendar arithmetic written here (not the engine's): the day-of-month
// is clamped to the target month's length (31 Mar − 1 month = 28/29 Feb).
function monthsBefore(date: string, months: number): string {
  const [y, m, day] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(day, last));
  return first.toISOString().slice(0, 10);
}

/**
 * Every cap a chosen set breaks, by each cap's documented meaning, with earlier recognition
 * counted: per rule (`maxCredits`), per source institution, per learner in the rolling period
 * (recognised after the window's first day, up to the evaluation date), per programme (maximum
 * and fraction of the programme's total). Empty when the set keeps to every cap.
 */
function brokenCaps(chosen: Candidate[], inp: EvaluationInput): string[] {
  const prior = inp.previouslyRecognised ?? [];
  const caps = inp.target.caps ?? {};
  const out: string[] = [];
  for (const id of new Set(chosen.map((c) => c.rule.id))) {
    const mine = chosen.filter((c) => c.rule.id === id);
    const max = mine[0]!.rule.maxCredits;
    if (max && sumOf(mine).gt(room(max, prior.filter((p) => p.ruleId === id)))) out.push(`rule ${id}`);
  }
  if (caps.perSourceInstitution) {
    for (const inst of new Set(chosen.flatMap((c) => c.sourceInstitutionIds))) {
      const used = prior.filter((p) => p.sourceInstitutionIds?.includes(inst));
      if (sumOf(chosen.filter((c) => c.sourceInstitutionIds.includes(inst))).gt(room(caps.perSourceInstitution, used))) out.push(`institution ${inst}`);
    }
  }
  const total = sumOf(chosen);
  if (caps.learnerPeriod) {
    const start = monthsBefore(inp.date, caps.learnerPeriod.months);
    if (total.gt(room(caps.learnerPeriod.max, prior.filter((p) => p.recognisedOn > start && p.recognisedOn <= inp.date)))) out.push('period');
  }
  if (caps.programme?.max && total.gt(room(caps.programme.max, prior))) out.push('programme max');
  const f = caps.programme?.fraction;
  if (f && inp.target.programmeTotalCredits) {
    const limit = Decimal.isDecimal(f) ? inp.target.programmeTotalCredits.times(f) : inp.target.programmeTotalCredits.times(f.numerator).div(f.denominator);
    if (total.gt(room(limit, prior))) out.push('programme fraction');
  }
  return out;
}

function countedTwice(chosen: Candidate[]): boolean {
  const keys = chosen.flatMap((c) => [...c.achievementIds, ...c.grants.flatMap((g) => (g.targetItemId ? [`t:${g.targetItemId}`] : []))]);
  return new Set(keys).size !== keys.length;
}

function bruteForceBest(rules: Rule[], inp: EvaluationInput): Decimal {
  const { candidates } = buildCandidates(indexRules(rules), buildContext(inp));
  let best = ZERO;
  for (let mask = 0; mask < 1 << candidates.length; mask++) {
    const chosen = candidates.filter((_, i) => mask & (1 << i));
    if (!countedTwice(chosen) && brokenCaps(chosen, inp).length === 0) best = Decimal.max(best, sumOf(chosen));
  }
  return best;
}

const run = (rules: Rule[], inp: EvaluationInput) => evaluate(inp, indexRules(rules), solver);
const opts = { numRuns: 200 };

describe('recognition engine caps (property)', () => {
  it('never exceeds a cap per rule, per source institution, per learner per period or per programme (maximum and fraction)', () => {
    fc.assert(fc.property(cappedWorldArb, ({ rules, input }) => {
      const r = run(rules, input);
      expect(brokenCaps(r.chosen, input)).toEqual([]);
      expect(countedTwice(r.chosen)).toBe(false);
      expect(r.totals.total.eq(sumOf(r.chosen))).toBe(true);
    }), opts);
  });

  const candidateCount = ({ rules, input }: { rules: Rule[]; input: EvaluationInput }) => buildCandidates(indexRules(rules), buildContext(input)).candidates.length;
  const agreesWithBruteForce = ({ rules, input }: { rules: Rule[]; input: EvaluationInput }) => {
    expect(run(rules, input).totals.total.toString()).toBe(bruteForceBest(rules, input).toString());
  };

  it('still finds the best total brute force finds under all of those caps', () => {
    fc.assert(fc.property(cappedWorldArb.filter((w) => candidateCount(w) <= 12), agreesWithBruteForce), { numRuns: 150 });
  });

  // Half the generated worlds grant nothing at all; these runs are spent where a cap can bind,
  // which is where an off-by-one in the window (its first day is outside) or in a fraction shows.
  it('agrees with brute force where a period or fraction cap meets something to cap', () => {
    const binding = cappedWorldArb.filter((w) => (w.input.target.caps?.learnerPeriod !== undefined || w.input.target.caps?.programme?.fraction !== undefined)
      && candidateCount(w) > 0 && candidateCount(w) <= 12);
    fc.assert(fc.property(binding, agreesWithBruteForce), { numRuns: 300 });
  });

  it('generates worlds where the new caps bind (the property is not vacuous)', () => {
    const samples = fc.sample(cappedWorldArb, { numRuns: 400, seed: 42 });
    const binding = (pick: (i: EvaluationInput) => boolean) => samples.filter(({ rules, input }) => {
      if (!pick(input)) return false;
      const uncapped = { ...input, previouslyRecognised: [], target: { ...input.target, caps: {} } };
      return run(rules, input).totals.total.lt(run(rules, uncapped).totals.total);
    }).length;
    expect(binding((i) => i.target.caps?.learnerPeriod !== undefined)).toBeGreaterThan(10);
    expect(binding((i) => i.target.caps?.programme?.fraction !== undefined)).toBeGreaterThan(10);
  });
});

describe('recognition engine caps (examples at the edges)', () => {
  // One 4-credit block grant, evaluated on 2025-09-01; the 6-month window starts on 2025-03-01.
  const grant = [block('b', 4, { pattern: { kinds: ['course'] } })];
  const one = [achievement({ id: 'a0' })];
  const total = (caps: EvaluationInput['target']['caps'], prior: PriorRecognition[], extra: Partial<EvaluationInput['target']> = {}) =>
    run(grant, input(one, { target: target({ caps, ...extra }), previouslyRecognised: prior })).totals.total.toString();
  const period = { learnerPeriod: { months: 6, max: d(5) } };

  it('does not count credit recognised on the first day of the period window, and counts it from the next day', () => {
    expect(total(period, [{ credits: d(2), recognisedOn: '2025-03-01' }])).toBe('4');
    expect(total(period, [{ credits: d(2), recognisedOn: '2025-03-02' }])).toBe('0');
    expect(total(period, [{ credits: d(1), recognisedOn: '2025-09-01' }])).toBe('4');
    expect(total(period, [{ credits: d('1.5'), recognisedOn: '2025-09-01' }])).toBe('0');
    // Recognised after the evaluation date: not in the window that ends on it.
    expect(total(period, [{ credits: d(5), recognisedOn: '2025-09-02' }])).toBe('4');
  });

  it('holds a programme to an exact fraction of its total (1/3 of 12 is 4, not 3.99…), net of earlier recognition', () => {
    const third = { programme: { fraction: { numerator: d(1), denominator: d(3) } } };
    expect(total(third, [], { programmeTotalCredits: d(12) })).toBe('4');
    expect(total(third, [{ credits: d('0.5'), recognisedOn: '2019-01-01' }], { programmeTotalCredits: d(12) })).toBe('0');
    expect(total({ programme: { fraction: d('0.3') } }, [], { programmeTotalCredits: d(12) })).toBe('0');
  });
});
