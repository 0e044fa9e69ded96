import { Decimal } from 'decimal.js';
import type { CapGroup } from './caps.js';
import { conflictSets } from './components.js';
import type { Candidate } from './result-types.js';

/** One component as a 0-1 programme; positions k index `members` (canonical candidate order). */
export interface Model {
  members: number[];
  units: number[]; // credits scaled to integers
  lines: number[]; // grant lines (requirements satisfied)
  sizes: number[]; // achievements consumed
  conflicts: number[][]; // positions of which at most one may be chosen
  caps: { positions: number[]; rhs: number }[]; // Σ units ≤ rhs
}

/** Smallest power of ten that makes every credit value an integer. */
export function unitScale(values: Decimal[]): Decimal {
  return new Decimal(10).pow(Math.max(0, ...values.map((v) => v.decimalPlaces())));
}

export function buildModel(members: number[], cands: Candidate[], groups: CapGroup[], scale = unitScale(members.map((i) => cands[i]!.credits))): Model {
  const inside = new Map(members.map((i, k) => [i, k]));
  const units = members.map((i) => cands[i]!.credits.times(scale).toNumber());
  const caps: Model['caps'] = [];
  for (const g of groups) {
    const positions = g.members.flatMap((i) => (inside.has(i) && units[inside.get(i)!]! > 0 ? [inside.get(i)!] : []));
    if (positions.length === 0) continue; // decimal arithmetic below is the costly part
    const rhs = g.remaining.times(scale).floor().toNumber();
    if (positions.reduce((s, k) => s + units[k]!, 0) > rhs) caps.push({ positions, rhs }); // binding only
  }
  return {
    members, units, caps,
    lines: members.map((i) => cands[i]!.grants.length),
    sizes: members.map((i) => cands[i]!.achievementIds.length),
    conflicts: conflictSets(cands, members).map((set) => set.map((i) => inside.get(i)!)),
  };
}
