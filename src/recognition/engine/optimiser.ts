import type { CapGroup } from './caps.js';
import { componentsOf } from './components.js';
import { exactSearch } from './exact-search.js';
import { Decimal } from 'decimal.js';
import { combineUnderCapacity, frontier } from './capacity-dp.js';
import { buildModel, unitScale, type Model } from './model.js';
import type { Candidate } from './result-types.js';
import type { Solver } from './solver.js';

export interface Selection {
  chosen: Set<number>;
  unfit: Map<number, CapGroup>; // candidates larger than what is left of one of their caps
  notes: string[];
}

/** Components up to this size are searched exhaustively (cheaper than a solver call). */
export const EXACT_SEARCH_LIMIT = 16;

function unfitCandidates(cands: Candidate[], groups: CapGroup[]): Map<number, CapGroup> {
  const unfit = new Map<number, CapGroup>();
  for (const g of groups) {
    for (const i of g.members) if (!unfit.has(i) && cands[i]!.credits.gt(g.remaining)) unfit.set(i, g);
  }
  return unfit;
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

// Each component only needs the caps its members belong to; scanning every cap per component
// was the evaluation's main cost.
function groupsTouching(n: number, groups: CapGroup[]): (members: number[]) => CapGroup[] {
  const of = Array.from({ length: n }, () => [] as CapGroup[]);
  for (const g of groups) for (const i of g.members) of[i]!.push(g);
  return (members) => [...new Set(members.flatMap((i) => of[i]!))];
}

function solveComponent(members: number[], cands: Candidate[], groups: CapGroup[], solver: Solver, limit: number, notes: string[]): number[] {
  if (members.length === 1) return members;
  const model = buildModel(members, cands, groups);
  const useSearch = members.length <= limit;
  const picked = useSearch ? exactSearch(model) : solveMilp(model, solver);
  const rules = [...new Set(members.map((i) => cands[i]!.rule.id))].join(', ');
  notes.push(`${members.length} competing candidates (${rules}) solved exactly by ${useSearch ? 'exhaustive search' : 'integer programming'}; ${picked.length} chosen`);
  return picked;
}

// A binding programme/period cap couples everything; when every component is small, an exact
// knapsack over the components' frontiers replaces one large MILP (much faster).
function underGlobalCap(comps: number[][], active: number[], cands: Candidate[], local: CapGroup[], global: CapGroup, notes: string[]): number[] {
  // Scale from the credits only: totals are multiples of 1/scale, so flooring the capacity is
  // exact even when the cap itself is not (1/3 of a programme).
  const scale = unitScale(active.map((i) => cands[i]!.credits));
  const touching = groupsTouching(cands.length, local);
  const options = comps.map((members) => frontier(buildModel(members, cands, touching(members), scale)));
  notes.push(`${comps.length} independent groups of candidates share the ${global.label}; combined exactly by dynamic programming over the credit total`);
  return combineUnderCapacity(options, global.remaining.times(scale).floor().toNumber());
}

/** Chooses the combination of candidates granting the most credit under every cap (exact). */
export function optimise(cands: Candidate[], groups: CapGroup[], solver: Solver, searchLimit = EXACT_SEARCH_LIMIT): Selection {
  const unfit = unfitCandidates(cands, groups);
  const active = cands.map((_, i) => i).filter((i) => !unfit.has(i));
  const notes: string[] = [];
  const global = groups.find((g) => g.global);
  const local = groups.filter((g) => !g.global);
  const comps = componentsOf(cands, active, local);
  const demand = active.reduce((s, i) => s.plus(cands[i]!.credits), new Decimal(0));
  let picked: number[];
  if (!global || demand.lte(global.remaining)) {
    const touching = groupsTouching(cands.length, local);
    picked = comps.flatMap((members) => solveComponent(members, cands, touching(members), solver, searchLimit, notes));
  } else if (comps.every((c) => c.length <= searchLimit)) {
    picked = underGlobalCap(comps, active, cands, local, global, notes);
  } else {
    picked = active.length === 0 ? [] : solveComponent(active, cands, groups, solver, searchLimit, notes);
  }
  return { chosen: new Set(picked), unfit, notes };
}
