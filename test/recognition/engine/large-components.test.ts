import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { frontier, type Option } from '../../../src/recognition/engine/capacity-dp.js';
import type { CapGroup } from '../../../src/recognition/engine/caps.js';
import { frontierBySweep } from '../../../src/recognition/engine/frontier-dp.js';
import { loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import type { Model } from '../../../src/recognition/engine/model.js';
import { optimise, type Selection } from '../../../src/recognition/engine/optimiser.js';
import type { Candidate } from '../../../src/recognition/engine/result-types.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

// A component as the optimiser models it, with conflict sets and caps over random positions.
const modelArb: fc.Arbitrary<Model> = fc.integer({ min: 1, max: 12 }).chain((n) => {
  const positions = fc.uniqueArray(fc.nat(n - 1), { minLength: 2, maxLength: Math.max(2, Math.min(n, 4)) });
  return fc.record({
    members: fc.uniqueArray(fc.nat(60), { minLength: n, maxLength: n }).map((xs) => [...xs].sort((a, b) => a - b)),
    units: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
    lines: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
    sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
    conflicts: n < 2 ? fc.constant([]) : fc.array(positions, { maxLength: n }),
    caps: n < 2 ? fc.constant([]) : fc.array(fc.record({ positions, rhs: fc.integer({ min: 0, max: 12 }) }), { maxLength: 3 }),
  });
});

const scores = (options: Option[]) => options.map(({ units, s0, s1, s2 }) => ({ units, s0, s1, s2 }));

describe('frontier of a larger component by dynamic programming', () => {
  it('has the same best score for every credit total up to the capacity as enumeration, and each pick earns its score', () => {
    fc.assert(fc.property(modelArb, fc.integer({ min: 0, max: 40 }), (m, capacity) => {
      const swept = frontierBySweep(m, capacity, Infinity)!;
      expect(scores(swept)).toEqual(scores(frontier(m).filter((o) => o.units <= capacity)));
      for (const o of swept) {
        const ks = o.pick.map((i) => m.members.indexOf(i));
        expect(ks.reduce((s, k) => s + m.units[k]!, 0)).toBe(o.units);
        const earned = [ks.reduce((s, k) => s + m.lines[k]!, 0), -ks.reduce((s, k) => s + m.sizes[k]!, 0), -o.pick.reduce((s, i) => s + i, 0)];
        expect(earned.map((x) => x + 0)).toEqual([o.s0, o.s1, o.s2].map((x) => x + 0)); // + 0: −0 and 0 are one score
        for (const set of m.conflicts) expect(ks.filter((k) => set.includes(k)).length).toBeLessThanOrEqual(1);
        for (const c of m.caps) expect(ks.filter((k) => c.positions.includes(k)).reduce((s, k) => s + m.units[k]!, 0)).toBeLessThanOrEqual(c.rhs);
      }
    }), { numRuns: 2000 });
  });

  // Capacity 0 (a programme cap already used up): only 0-credit waivers can still be granted, and
  // each conflict set still holds at most one of them. Once a state key read a conflict set's usage
  // as a credit amount (0 to the capacity), so different sets of waivers shared one state and the
  // better was lost: here 4 was chosen where 1 (same lines, lower index) is best, and fewer grant
  // lines could be chosen than the rules allow (the property above found it now and then: its capacity is random).
  it('keeps conflict sets apart when no credit is left (capacity 0), so waivers are chosen as enumeration chooses them', () => {
    const m: Model = { members: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], units: [0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0],
      lines: [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2], sizes: Array(12).fill(1), conflicts: [[0, 1], [11, 0], [5, 9, 0, 3], [1, 9, 4]], caps: [] };
    expect(frontierBySweep(m, 0, Infinity)).toEqual(frontier(m).filter((o) => o.units === 0));
    expect(frontierBySweep(m, 0, Infinity)![0]!.pick).toEqual([1, 2, 5, 6, 7, 10, 11]);
    fc.assert(fc.property(modelArb, (waivers) => {
      expect(scores(frontierBySweep(waivers, 0, Infinity)!)).toEqual(scores(frontier(waivers).filter((o) => o.units === 0)));
    }), { numRuns: 1000 });
  });

  it('gives up (undefined) when it would keep more states than its budget, all steps together', () => {
    // No rows: 1 + 2 + 4 + 8 states, one per reachable total after each step.
    const m: Model = { members: [0, 1, 2], units: [1, 2, 4], lines: [1, 1, 1], sizes: [1, 1, 1], conflicts: [], caps: [] };
    expect(frontierBySweep(m, 10, 14)).toBeUndefined();
    expect(frontierBySweep(m, 10, 15)).toHaveLength(8);
  });
});

// Candidates made directly (no rules): achievements, target items, institutions and rules drawn
// from small pools so that conflicts chain candidates into components of many sizes.
interface Instance { cands: Candidate[]; groups: CapGroup[] }
const candidateArb = fc.record({
  achievements: fc.uniqueArray(fc.nat(11), { minLength: 1, maxLength: 2 }),
  item: fc.option(fc.nat(7), { nil: undefined }), rule: fc.nat(5), inst: fc.nat(2), halves: fc.integer({ min: 0, max: 8 }),
});
const instanceArb: fc.Arbitrary<Instance> = fc.record({
  raw: fc.array(candidateArb, { minLength: 4, maxLength: 22 }),
  ruleCaps: fc.array(fc.option(fc.integer({ min: 2, max: 12 }), { nil: undefined }), { minLength: 6, maxLength: 6 }),
  perInst: fc.option(fc.integer({ min: 2, max: 16 }), { nil: undefined }),
  global: fc.integer({ min: 0, max: 30 }),
}).map(({ raw, ruleCaps, perInst, global }) => {
  const cands = raw.map((r, i) => ({
    key: `c${String(i).padStart(3, '0')}`, rule: { id: `r${r.rule}` }, achievementIds: r.achievements.map((a) => `a${a}`).sort(),
    sourceInstitutionIds: [`i${r.inst}`], grants: [{ category: 'x', credits: new Decimal(r.halves).div(2), ...(r.item === undefined ? {} : { targetItemId: `t${r.item}` }) }],
    credits: new Decimal(r.halves).div(2),
  }) as unknown as Candidate);
  const members = (pick: (c: Candidate) => boolean) => cands.flatMap((c, i) => (pick(c) ? [i] : []));
  const groups: CapGroup[] = ruleCaps.flatMap((cap, r) => (cap === undefined ? [] : [{ id: `rule:r${r}`, label: `rule r${r} cap`, remaining: new Decimal(cap).div(2), members: members((c) => c.rule.id === `r${r}`) }]));
  if (perInst !== undefined) for (const inst of ['i0', 'i1', 'i2']) groups.push({ id: `inst:${inst}`, label: `${inst} cap`, remaining: new Decimal(perInst).div(2), members: members((c) => c.sourceInstitutionIds[0] === inst) });
  groups.push({ id: 'programme', label: 'programme cap', remaining: new Decimal(global).div(2), members: cands.map((_, i) => i), global: true });
  return { cands, groups };
});

// Written independently of the optimiser: no achievement or target item twice, every cap kept.
function feasible({ cands, groups }: Instance, chosen: Set<number>): boolean {
  const keys = [...chosen].flatMap((i) => [...cands[i]!.achievementIds, ...cands[i]!.grants.flatMap((g) => (g.targetItemId ? [`t:${g.targetItemId}`] : []))]);
  if (new Set(keys).size !== keys.length) return false;
  return groups.every((g) => g.members.filter((i) => chosen.has(i)).reduce((s, i) => s.plus(cands[i]!.credits), new Decimal(0)).lte(g.remaining));
}

// The documented order: credits, grant lines, achievements consumed, sum of candidate indices.
const score = ({ cands }: Instance, chosen: Set<number>) => {
  const cs = [...chosen].map((i) => cands[i]!);
  return [cs.reduce((s, c) => s.plus(c.credits), new Decimal(0)).toString(), cs.reduce((n, c) => n + c.grants.length, 0),
    cs.reduce((n, c) => n + c.achievementIds.length, 0), [...chosen].reduce((n, i) => n + i, 0)];
};

const text = (sel: Selection): string[] => sel.notes.map((n) => n());
const swept = (sel: Selection): number => text(sel).filter((t) => t.includes('dynamic programming over their conflicts and caps')).length;
const byMilp = (sel: Selection): boolean => text(sel).some((t) => t.includes('integer programming'));

describe('components above the exhaustive limit, with or without a binding programme cap', () => {
  // The path before the sweep: one MILP over every candidate under a binding cap, else one per large component (sweep disabled).
  const milpOverAll = (inst: Instance) => optimise(inst.cands, inst.groups, solver, { searchLimit: 3, sweepBudget: 0 });

  it('chooses what one MILP over every candidate chooses, on every tie-break criterion', () => {
    let exercised = 0;
    fc.assert(fc.property(instanceArb, (inst) => {
      const sel = optimise(inst.cands, inst.groups, solver, { searchLimit: 3 });
      const old = milpOverAll(inst);
      expect(feasible(inst, sel.chosen)).toBe(true);
      expect(score(inst, sel.chosen)).toEqual(score(inst, old.chosen));
      if (swept(sel) > 0) exercised++;
    }), { numRuns: 300, seed: 5 });
    expect(exercised).toBeGreaterThan(100); // the property is not vacuous
  });

  // Whether the programme cap binds: the candidates that fit each of their caps ask for more than it leaves.
  const binding = ({ cands, groups }: Instance): boolean => {
    const fits = cands.map((c, i) => groups.every((g) => !g.members.includes(i) || c.credits.lte(g.remaining)));
    const demand = cands.reduce((s, c, i) => (fits[i] ? s.plus(c.credits) : s), new Decimal(0));
    return demand.gt(groups.find((g) => g.global)!.remaining);
  };

  it('sweeps exactly the components that used to go to a MILP (with or without a binding cap), names that method, and runs no solver', () => {
    let unbound = 0;
    fc.assert(fc.property(instanceArb, (inst) => {
      let calls = 0;
      const counting: Solver = { solve: (lp) => { calls++; return solver.solve(lp); } };
      const sel = optimise(inst.cands, inst.groups, counting, { searchLimit: 3 });
      expect(calls).toBe(0);
      expect(byMilp(sel)).toBe(false);
      const old = milpOverAll(inst);
      expect(swept(sel) > 0).toBe(byMilp(old));
      if (!binding(inst) && byMilp(old)) unbound++;
    }), { numRuns: 200, seed: 11 });
    expect(unbound).toBeGreaterThan(10); // components swept with no binding programme cap too
  });

  it('falls back to the MILP over every candidate when a sweep grows past its state budget', () => {
    let fellBack = 0;
    fc.assert(fc.property(instanceArb, (inst) => {
      const sel = optimise(inst.cands, inst.groups, solver, { searchLimit: 3, sweepBudget: 20 });
      const old = milpOverAll(inst);
      expect(score(inst, sel.chosen)).toEqual(score(inst, old.chosen));
      if (binding(inst) && byMilp(sel)) {
        fellBack++;
        expect(swept(sel)).toBe(0); // no note for a sweep that was abandoned
      }
    }), { numRuns: 100, seed: 7 });
    expect(fellBack).toBeGreaterThan(15);
  });
});

describe('a binding programme cap with a component of 40 candidates (default limits)', () => {
  // Candidate i uses achievements a_i and a_{i+1}: one chain of conflicts, far above the
  // exhaustive limit, with credits 1 to 4 and a programme cap that binds (30 of 100 asked for).
  const cands = Array.from({ length: 40 }, (_, i) => ({
    key: `c${String(i).padStart(3, '0')}`, rule: { id: `r${i % 3}` }, achievementIds: [`a${String(i).padStart(2, '0')}`, `a${String(i + 1).padStart(2, '0')}`],
    sourceInstitutionIds: ['i0'], grants: [{ category: 'x', credits: new Decimal(1 + ((i * 7) % 4)) }], credits: new Decimal(1 + ((i * 7) % 4)),
  }) as unknown as Candidate);
  const groups: CapGroup[] = [{ id: 'programme', label: 'programme cap 30', remaining: new Decimal(30), members: cands.map((_, i) => i), global: true }];
  const inst = { cands, groups };

  it('chooses what the MILP over every candidate chooses, without calling a solver', () => {
    const noSolver: Solver = { solve: () => { throw new Error('the solver was called'); } };
    const sel = optimise(cands, groups, noSolver);
    const old = optimise(cands, groups, solver, { sweepBudget: 0 });
    expect(byMilp(old)).toBe(true);
    expect(feasible(inst, sel.chosen)).toBe(true);
    expect(score(inst, sel.chosen)).toEqual(score(inst, old.chosen));
    expect(text(sel)).toEqual([
      '40 competing candidates (r0, r1, r2) solved exactly by dynamic programming over their conflicts and caps: best choice for each of 31 credit totals',
      '1 independent groups of candidates share the programme cap 30; combined exactly by dynamic programming over the credit total',
    ]);
  });
});
