import { Decimal } from 'decimal.js';
import type { CapGroup } from './caps.js';
import { conflictSets, componentsOf } from './components.js';
import type { Candidate } from './result-types.js';
import type { Solver } from './solver.js';

export interface Selection {
  chosen: Set<number>;
  unfit: Map<number, CapGroup>; // candidates larger than what is left of one of their caps
  notes: string[];
}

function unfitCandidates(cands: Candidate[], groups: CapGroup[]): Map<number, CapGroup> {
  const unfit = new Map<number, CapGroup>();
  for (const g of groups) {
    for (const i of g.members) if (!unfit.has(i) && cands[i]!.credits.gt(g.remaining)) unfit.set(i, g);
  }
  return unfit;
}

const term = (coef: number, i: number): string => `${coef < 0 ? '-' : '+'} ${Math.abs(coef)} x${i}`;
const row = (name: string, coefs: [number, number][], op: string, rhs: number): string =>
  ` ${name}: ${coefs.map(([c, i]) => term(c, i)).join(' ')} ${op} ${rhs}`;

interface Model { members: number[]; units: number[]; rows: string[] }

function lp(model: Model, objective: number[], extra: string[] = []): string {
  const { members } = model;
  const obj = members.map((i, k) => term(objective[k]!, i)).join(' ');
  return ['Maximize', ` obj: ${obj}`, 'Subject To', ...model.rows, ...extra,
    'Binaries', ` ${members.map((i) => `x${i}`).join(' ')}`, 'End'].join('\n');
}

function buildModel(members: number[], cands: Candidate[], groups: CapGroup[]): Model {
  const inside = new Set(members);
  const dp = Math.max(0, ...members.map((i) => cands[i]!.credits.decimalPlaces()));
  const scale = new Decimal(10).pow(dp);
  const units = members.map((i) => cands[i]!.credits.times(scale).toNumber());
  const rows: string[] = [];
  conflictSets(cands, members).forEach((set, r) => rows.push(row(`u${r}`, set.map((i) => [1, i]), '<=', 1)));
  groups.forEach((g, r) => {
    const ms = g.members.filter((i) => inside.has(i));
    const used = ms.map((i) => cands[i]!.credits).reduce((s, c) => s.plus(c), new Decimal(0));
    if (ms.length === 0 || used.lte(g.remaining)) return; // not binding here
    const coefs = ms.map((i): [number, number] => [units[members.indexOf(i)]!, i]).filter(([c]) => c > 0);
    rows.push(row(`c${r}`, coefs, '<=', g.remaining.times(scale).floor().toNumber()));
  });
  return { members, units, rows };
}

// Lexicographic objective, solved in two stages because the weights would not fit one float:
// (1) most credit; then among those (2) most grant lines (requirements satisfied, waivers
// included), (3) fewest achievements consumed, (4) smallest sum of canonical candidate ranks.
function solveComponent(members: number[], cands: Candidate[], groups: CapGroup[], solver: Solver): number[] {
  const model = buildModel(members, cands, groups);
  const first = solver.solve(lp(model, model.units));
  const best = Math.round(first.objective);
  const n = members.length;
  const w3 = (n * (n - 1)) / 2 + 1;
  const w2 = (new Set(members.flatMap((i) => cands[i]!.achievementIds)).size + 1) * w3;
  const tie = members.map((i, k) => cands[i]!.grants.length * w2 - cands[i]!.achievementIds.length * w3 - k);
  const keep = row('best', members.map((i, k) => [model.units[k]!, i]), '>=', best);
  const second = solver.solve(lp(model, tie, best > 0 ? [keep] : []));
  return members.filter((i) => (second.values[`x${i}`] ?? 0) > 0.5);
}

/** Chooses the combination of candidates granting the most credit under every cap (exact MILP). */
export function optimise(cands: Candidate[], groups: CapGroup[], solver: Solver): Selection {
  const unfit = unfitCandidates(cands, groups);
  const active = cands.map((_, i) => i).filter((i) => !unfit.has(i));
  const chosen = new Set<number>();
  const notes: string[] = [];
  for (const members of componentsOf(cands, active, groups)) {
    if (members.length === 1) {
      chosen.add(members[0]!);
      continue;
    }
    const picked = solveComponent(members, cands, groups, solver);
    picked.forEach((i) => chosen.add(i));
    notes.push(`${members.length} competing candidates (${members.map((i) => cands[i]!.rule.id).filter((v, k, a) => a.indexOf(v) === k).join(', ')}) solved exactly by integer programming; ${picked.length} chosen`);
  }
  return { chosen, unfit, notes };
}
