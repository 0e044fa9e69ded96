import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCandidates } from '../../../src/recognition/engine/candidates.js';
import { buildContext } from '../../../src/recognition/engine/context.js';
import { capGroups } from '../../../src/recognition/engine/caps.js';
import { onlyOne, optimise } from '../../../src/recognition/engine/optimiser.js';
import { exactSearch } from '../../../src/recognition/engine/exact-search.js';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import type { Candidate, EvaluationResult } from '../../../src/recognition/engine/result-types.js';
import type { EngineAchievement, EvaluationInput, LevelRequirement, Rule } from '../../../src/recognition/engine/types.js';
import { MAPPED, ruleListArb, worldArb } from '../fixtures/engine-arbitraries.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

const run = (rules: Rule[], inp: EvaluationInput): EvaluationResult => evaluate(inp, indexRules(rules), solver);
const sumOf = (cs: Candidate[]): Decimal => cs.reduce((s, c) => s.plus(c.credits), new Decimal(0));

// Written independently of the optimiser: the rules a chosen set of candidates must obey.
function feasible(chosen: Candidate[], inp: EvaluationInput): boolean {
  const used = new Set<string>();
  for (const c of chosen) {
    for (const k of [...c.achievementIds, ...c.grants.flatMap((g) => (g.targetItemId ? [`t:${g.targetItemId}`] : []))]) {
      if (used.has(k)) return false;
      used.add(k);
    }
  }
  for (const id of new Set(chosen.map((c) => c.rule.id))) {
    const mine = chosen.filter((c) => c.rule.id === id);
    const cap = mine[0]!.rule.maxCredits;
    if (cap && sumOf(mine).gt(cap)) return false;
  }
  const perInst = inp.target.caps?.perSourceInstitution;
  if (perInst) {
    for (const inst of new Set(chosen.flatMap((c) => c.sourceInstitutionIds))) {
      if (sumOf(chosen.filter((c) => c.sourceInstitutionIds.includes(inst))).gt(perInst)) return false;
    }
  }
  const max = inp.target.caps?.programme?.max;
  return !max || sumOf(chosen).lte(max);
}

function bruteForceBest(rules: Rule[], inp: EvaluationInput): Decimal {
  const { candidates } = buildCandidates(indexRules(rules), buildContext(inp));
  let best = new Decimal(0);
  for (let mask = 0; mask < 1 << candidates.length; mask++) {
    const chosen = candidates.filter((_, i) => mask & (1 << i));
    if (feasible(chosen, inp)) best = Decimal.max(best, sumOf(chosen));
  }
  return best;
}

// Independent of the engine: the achievement's level in EQF 2017 (directly or by the one mapping
// the arbitraries publish), or undefined when it cannot be compared.
function eqfLevel(a: EngineAchievement): number | undefined {
  if (a.level === null) return undefined;
  return a.level.frameworkId === 'eqf' ? a.level.level : MAPPED[a.level.level];
}
const levelRule = (r: Rule): LevelRequirement | undefined => (r.conditions.allowLowerLevel ? undefined : r.conditions.targetLevel);

const smallWorld = worldArb.filter(({ rules, input }) => buildCandidates(indexRules(rules), buildContext(input)).candidates.length <= 12);
const stable = (r: EvaluationResult): string => JSON.stringify({ o: r.outcomes, t: r.totals });
const opts = { numRuns: 150 };

describe('recognition engine properties', () => {
  it('never counts an achievement or a target item twice, and never exceeds a cap', () => {
    fc.assert(fc.property(worldArb, ({ rules, input }) => {
      const r = run(rules, input);
      expect(feasible(r.chosen, input)).toBe(true);
      expect(r.totals.total.eq(sumOf(r.chosen))).toBe(true);
      const matched = r.outcomes.filter((o) => o.status === 'match').map((o) => o.achievementId).sort();
      expect(matched).toEqual(r.chosen.flatMap((c) => c.achievementIds).sort());
    }), opts);
  });

  it('finds the same best total as brute force over every combination', () => {
    fc.assert(fc.property(smallWorld, ({ rules, input }) => {
      expect(run(rules, input).totals.total.toString()).toBe(bruteForceBest(rules, input).toString());
    }), opts);
  });

  it('gives the same result whatever the order of achievements and rules', () => {
    fc.assert(fc.property(worldArb, fc.integer(), ({ rules, input }, seed) => {
      const shuffle = <T>(xs: T[]): T[] => xs.map((x, i) => ({ x, k: (Math.imul(i + 1, 2654435761) ^ seed) >>> 0 }))
        .sort((a, b) => a.k - b.k).map((p) => p.x);
      const a = run(rules, input);
      const b = run(shuffle(rules), { ...input, achievements: shuffle(input.achievements) });
      expect(stable(b)).toBe(stable(a));
    }), opts);
  });

  it('never lowers the best total when a rule is added', () => {
    fc.assert(fc.property(worldArb, ruleListArb('extra', 2), ({ rules, input }, extra) => {
      const before = run(rules, input).totals.total;
      expect(run([...rules, ...extra], input).totals.total.gte(before)).toBe(true);
    }), opts);
  });

  it('drops everything a revoked source produced and never raises the total', () => {
    fc.assert(fc.property(worldArb, fc.nat(), ({ rules, input }, pick) => {
      const before = run(rules, input);
      const victim = input.achievements[pick % input.achievements.length]!;
      const after = run(rules, { ...input, achievements: input.achievements.map((a) => (a.id === victim.id ? { ...a, revoked: true } : a)) });
      expect(after.totals.total.lte(before.totals.total)).toBe(true);
      expect(after.chosen.some((c) => c.achievementIds.includes(victim.id))).toBe(false);
      expect(after.outcomes.find((o) => o.achievementId === victim.id)).toMatchObject({ status: 'miss', reason: 'revoked' });
    }), opts);
  });

  it('reaches the same optimum by integer programming as by exhaustive search, on every tie-break criterion', () => {
    fc.assert(fc.property(worldArb, ({ rules, input }) => {
      const ctx = buildContext(input);
      const { candidates } = buildCandidates(indexRules(rules), ctx);
      const groups = capGroups(candidates, ctx);
      const bySearch = optimise(candidates, groups, solver, { searchLimit: Infinity });
      const byMilp = optimise(candidates, groups, solver, { searchLimit: 1, sweepBudget: 0 });
      // Credits, grant lines, achievements consumed, sum of canonical positions: the documented
      // order. Beyond it (exact ties) each method is deterministic but may pick a different set.
      const score = (chosen: Set<number>) => {
        const cs = [...chosen].map((i) => candidates[i]!);
        return [sumOf(cs).toString(), cs.reduce((n, c) => n + c.grants.length, 0),
          cs.reduce((n, c) => n + c.achievementIds.length, 0), [...chosen].reduce((n, i) => n + i, 0)];
      };
      expect(score(byMilp.chosen)).toEqual(score(bySearch.chosen));
    }), opts);
  });

  it('never matches an achievement below or not comparable with the level a rule requires; one that cannot be compared goes to review', () => {
    fc.assert(fc.property(worldArb, ({ rules, input }) => {
      const r = run(rules, input);
      const byId = new Map(input.achievements.map((a) => [a.id, a]));
      for (const c of r.chosen) {
        const min = levelRule(c.rule);
        if (!min) continue;
        for (const id of c.achievementIds) {
          const level = eqfLevel(byId.get(id)!);
          expect(level !== undefined && level >= min.level).toBe(true);
        }
      }
      for (const o of r.outcomes) {
        if (o.status !== 'maybe' || o.reason === undefined) continue;
        expect(o.reason).toBe('level_not_comparable');
        const rule = rules.find((x) => x.id === o.ruleId)!;
        const lacking = rule.type === 'equivalency'
          ? rule.sources.some((s) => input.achievements.some((a) => a.catalogueItemId === s.itemId && eqfLevel(a) === undefined))
          : eqfLevel(byId.get(o.achievementId)!) === undefined;
        expect(levelRule(rule) !== undefined && lacking).toBe(true);
      }
    }), opts);
  });
});

describe('rivals of which only one can count', () => {
  // A component of one conflict set and no binding cap (most components): the shortcut must pick
  // exactly what the exhaustive search picks, on every tie-break criterion.
  const modelArb = fc.integer({ min: 2, max: 8 }).chain((n) => fc.record({
    members: fc.uniqueArray(fc.nat(50), { minLength: n, maxLength: n }).map((xs) => [...xs].sort((a, b) => a - b)),
    units: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
    lines: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
    sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
  }).map((m) => ({ ...m, conflicts: [m.members.map((_, k) => k)], caps: [] })));

  it('picks what the exhaustive search picks', () => {
    fc.assert(fc.property(modelArb, (m) => { expect(onlyOne(m)).toEqual(exactSearch(m)); }), { numRuns: 2000 });
  });

  it('leaves anything else to the search', () => {
    fc.assert(fc.property(modelArb, (m) => {
      expect(onlyOne({ ...m, caps: [{ positions: [0], rhs: 1 }] })).toBeUndefined();
      expect(onlyOne({ ...m, conflicts: [m.conflicts[0]!.slice(1)] })).toBeUndefined();
    }), { numRuns: 100 });
  });
});
