import type { Decimal } from 'decimal.js';
import type { CapGroup } from './caps.js';
import { componentsOf, conflictSets } from './components.js';
import { exactSearch } from './exact-search.js';
import { combineUnderCapacity, frontier, singleFrontier, type Option } from './capacity-dp.js';
import { frontierBySweep } from './frontier-dp.js';
import { buildModel, type Model, type Problem } from './model.js';
import type { Candidate } from './result-types.js';
import type { Solver } from './solver.js';
import { capUnits, commonDivisor, creditUnits } from './units.js';

export interface Selection {
  chosen: Set<number>;
  unfit: Map<number, CapGroup>; // candidates larger than what is left of one of their caps
  /** How each group of competing candidates was solved, written on read (most evaluations show none or a few). */
  notes: (() => string)[];
  /** Each candidate's credits in integer units of one scale: compares exactly as the decimals do, without allocating. */
  units: number[];
}

/** Components up to this size are searched exhaustively (cheaper than a solver call). */
export const EXACT_SEARCH_LIMIT = 16;

/**
 * The most states (all steps together) the frontier sweep of a component above the exhaustive
 * limit may keep before falling back to a MILP: under a binding programme or period cap, one MILP
 * over every candidate; otherwise a MILP over that component. A state costs about 0.3–0.5 µs once
 * compiled, so giving up wastes well under 10 ms next to those MILPs' 40–90; the benchmark's
 * learners that reach a sweep need at most 1,424.
 */
export const SWEEP_BUDGET = 20_000;

export interface Limits {
  /** Largest component searched exhaustively. */
  searchLimit: number;
  /** See SWEEP_BUDGET (0: a component above the search limit always goes to a MILP). */
  sweepBudget: number;
}

const NONE: number[] = [];
const NO_GROUPS: CapGroup[] = [];

// Credits and caps in integer units, conflicts and cap memberships, computed once: the solvers
// and the component split then do no decimal arithmetic and build no string keys.
function problemOf(cands: Candidate[], groups: CapGroup[]): { p: Problem; unfit: Map<number, CapGroup>; active: number[] } {
  const { scale, units } = creditUnits(cands.map((c) => c.credits));
  // Units in multiples of their common divisor (exact, see commonDivisor): fewer totals for the DP.
  const divisor = commonDivisor(units);
  if (divisor > 1) for (let i = 0; i < units.length; i++) units[i] = units[i]! / divisor;
  const byValue = new Map<Decimal, number>(); // groups of one cap share its Decimal object
  const rhs = new Map(groups.map((g) => {
    let r = byValue.get(g.remaining);
    if (r === undefined) byValue.set(g.remaining, (r = Math.floor(capUnits(g.remaining, scale) / divisor)));
    return [g, r];
  }));
  const unfit = new Map<number, CapGroup>();
  for (const g of groups) {
    const limit = rhs.get(g)!;
    for (const i of g.members) if (!unfit.has(i) && units[i]! > limit) unfit.set(i, g);
  }
  const active = cands.map((_, i) => i).filter((i) => !unfit.has(i));
  const conflicts = conflictSets(cands, active);
  // Most candidates have no conflict or group: they share one empty list (read only).
  const conflictsOf = new Array<number[]>(cands.length).fill(NONE);
  conflicts.forEach((set, r) => set.forEach((i) => { if (conflictsOf[i] === NONE) conflictsOf[i] = [r]; else conflictsOf[i]!.push(r); }));
  const groupsOf = new Array<CapGroup[]>(cands.length).fill(NO_GROUPS);
  for (const g of groups) if (!g.global) for (const i of g.members) { if (groupsOf[i] === NO_GROUPS) groupsOf[i] = [g]; else groupsOf[i]!.push(g); }
  return { p: { cands, units, rhs, conflicts, conflictsOf, groupsOf, position: new Int32Array(cands.length).fill(-1) }, unfit, active };
}

const term = (coef: number, i: number): string => `${coef < 0 ? '-' : '+'} ${Math.abs(coef)} x${i}`;
const row = (name: string, coefs: [number, number][], op: string, rhs: number): string =>
  ` ${name}: ${coefs.map(([c, k]) => term(c, k)).join(' ')} ${op} ${rhs}`;

function lp(m: Model, objective: number[], extra: string[] = []): string {
  const all = m.members.map((_, k) => k);
  return ['Maximize', ` obj: ${all.map((k) => term(objective[k]!, k)).join(' ')}`, 'Subject To',
    ...m.conflicts.map((set, r) => row(`u${r}`, set.map((k) => [1, k]), '<=', 1)),
    ...m.caps.map((c, r) => row(`c${r}`, c.positions.map((k) => [m.units[k]!, k]), '<=', c.rhs)),
    ...extra, 'Binaries', ` ${all.map((k) => `x${k}`).join(' ')}`, 'End'].join('\n');
}

// Same lexicographic objective as exactSearch, in two solves because the weights would not fit
// one float: (1) most credit; then (2) most grant lines, (3) fewest achievements consumed,
// (4) smallest sum of canonical candidate indices.
function solveMilp(m: Model, solver: Solver): number[] {
  const best = Math.round(solver.solve(lp(m, m.units)).objective);
  const w3 = m.members.reduce((s, i) => s + i, 0) + 1;
  const w2 = (m.sizes.reduce((s, x) => s + x, 0) + 1) * w3;
  const tie = m.members.map((i, k) => m.lines[k]! * w2 - m.sizes[k]! * w3 - i);
  const keep = row('best', m.members.map((_, k) => [m.units[k]!, k]), '>=', best);
  const second = solver.solve(lp(m, tie, best > 0 ? [keep] : []));
  return m.members.filter((_, k) => (second.values[`x${k}`] ?? 0) > 0.5);
}

/**
 * The usual component: rivals for one achievement (or one target item) under no binding cap, of
 * which at most one can be chosen. The optimum is the single best by the search's own order
 * (credit, grant lines, fewer achievements, lower index): every candidate has a grant line, so
 * any one beats choosing none. Same answer as exactSearch, without a search.
 */
export function onlyOne(m: Model): number[] | undefined {
  if (m.caps.length !== 0 || m.conflicts.length !== 1 || m.conflicts[0]!.length !== m.members.length) return undefined;
  let best = 0;
  for (let k = 1; k < m.members.length; k++) {
    const d = m.units[k]! - m.units[best]! || m.lines[k]! - m.lines[best]! || m.sizes[best]! - m.sizes[k]! || m.members[best]! - m.members[k]!;
    if (d > 0) best = k;
  }
  return [m.members[best]!];
}

const rulesOf = (members: number[], p: Problem): string => [...new Set(members.map((i) => p.cands[i]!.rule.id))].join(', ');

function solveComponent(members: number[], p: Problem, global: CapGroup | undefined, solver: Solver, limits: Limits, notes: Selection['notes']): number[] {
  if (members.length === 1) return members;
  const model = buildModel(members, p, global);
  const single = onlyOne(model);
  const swept = single || members.length <= limits.searchLimit || global ? undefined : bestBySweep(model, limits.sweepBudget);
  if (swept) {
    notes.push(() => `${members.length} competing candidates (${rulesOf(members, p)}) solved exactly by dynamic programming over their conflicts and caps; ${swept.length} chosen`);
    return swept;
  }
  const method = single ? 'choosing the best of rivals of which only one can count' : members.length <= limits.searchLimit ? 'exhaustive search' : 'integer programming';
  const picked = single ?? (members.length <= limits.searchLimit ? exactSearch(model) : solveMilp(model, solver));
  notes.push(() => `${members.length} competing candidates (${rulesOf(members, p)}) solved exactly by ${method}; ${picked.length} chosen`);
  return picked;
}

/**
 * The best subset of one component under no binding global cap: the last entry of its swept
 * frontier up to the component's whole demand (most credit; that total's entry is already the
 * best by grant lines, achievements and indices). Undefined when the sweep exceeds its budget.
 */
function bestBySweep(m: Model, budget: number): number[] | undefined {
  const demand = m.units.reduce((s, u) => s + u, 0);
  const options = frontierBySweep(m, demand, budget);
  return options && options[options.length - 1]!.pick;
}

// Each component's frontier (best subset per credit total): enumerated when small, swept when
// larger; undefined when a sweep exceeds its budget.
function frontiers(comps: number[][], p: Problem, capacity: number, limits: Limits, notes: Selection['notes']): Option[][] | undefined {
  const options: Option[][] = new Array(comps.length);
  // Components above the search limit first: if one cannot be swept, no time goes into the others.
  for (let c = 0; c < comps.length; c++) {
    const members = comps[c]!;
    if (members.length <= limits.searchLimit) continue;
    const swept = frontierBySweep(buildModel(members, p), capacity, limits.sweepBudget);
    if (!swept) return undefined;
    notes.push(() => `${members.length} competing candidates (${rulesOf(members, p)}) solved exactly by dynamic programming over their conflicts and caps: best choice for each of ${swept.length} credit totals`);
    options[c] = swept;
  }
  comps.forEach((members, c) => {
    if (members.length > limits.searchLimit) return;
    const i = members[0]!;
    options[c] = members.length === 1 ? singleFrontier(i, p.units[i]!, p.cands[i]!.grants.length, p.cands[i]!.achievementIds.length) : frontier(buildModel(members, p));
  });
  return options;
}

// A binding programme/period cap couples everything; an exact knapsack over the components'
// frontiers replaces one large MILP (much faster). Undefined when a frontier is too costly.
function underGlobalCap(comps: number[][], p: Problem, global: CapGroup, limits: Limits, notes: Selection['notes']): number[] | undefined {
  // Totals are integer units, so the floored capacity is exact even when the cap itself is not
  // (1/3 of a programme).
  const capacity = p.rhs.get(global)!;
  const mine: Selection['notes'] = [];
  const options = frontiers(comps, p, capacity, limits, mine);
  if (!options) return undefined;
  notes.push(...mine, () => `${comps.length} independent groups of candidates share the ${global.label}; combined exactly by dynamic programming over the credit total`);
  return combineUnderCapacity(options, capacity);
}

/** Chooses the combination of candidates granting the most credit under every cap (exact). */
export function optimise(cands: Candidate[], groups: CapGroup[], solver: Solver, limits: Partial<Limits> = {}): Selection {
  const lim: Limits = { searchLimit: limits.searchLimit ?? EXACT_SEARCH_LIMIT, sweepBudget: limits.sweepBudget ?? SWEEP_BUDGET };
  const { p, unfit, active } = problemOf(cands, groups);
  const notes: Selection['notes'] = [];
  const global = groups.find((g) => g.global);
  const comps = componentsOf(active, p.conflicts, groups.filter((g) => !g.global), p.units, p.rhs);
  const demand = active.reduce((s, i) => s + p.units[i]!, 0);
  let picked: number[];
  if (!global || demand <= p.rhs.get(global)!) {
    picked = comps.flatMap((members) => solveComponent(members, p, undefined, solver, lim, notes));
  } else {
    picked = underGlobalCap(comps, p, global, lim, notes)
      ?? (active.length === 0 ? [] : solveComponent(active, p, global, solver, lim, notes));
  }
  return { chosen: new Set(picked), unfit, notes, units: p.units };
}
