import type { CapGroup } from './caps.js';
import type { Candidate } from './result-types.js';

/** The whole evaluation in integer units, with conflicts and cap memberships computed once. */
export interface Problem {
  cands: Candidate[];
  units: number[]; // per candidate (see units.ts)
  rhs: Map<CapGroup, number>; // per group: remaining cap in units
  conflicts: number[][]; // candidate index sets of which at most one may be chosen
  conflictsOf: number[][]; // per candidate: indices into `conflicts`
  groupsOf: CapGroup[][]; // per candidate: the non-global groups it belongs to
  /** Scratch for buildModel: a candidate's position in the model being built, else −1 (no Map per model). */
  position: Int32Array;
}

/** One component as a 0-1 programme; positions k index `members` (canonical candidate order). */
export interface Model {
  members: number[];
  units: number[]; // credits scaled to integers
  lines: number[]; // grant lines (requirements satisfied)
  sizes: number[]; // achievements consumed
  conflicts: number[][]; // positions of which at most one may be chosen
  caps: { positions: number[]; rhs: number }[]; // Σ units ≤ rhs
}

// Components are closed under conflicts, so each conflict set of a member lies wholly inside.
function componentConflicts(members: number[], p: Problem): number[][] {
  const ids = new Set<number>();
  for (const i of members) for (const r of p.conflictsOf[i]!) ids.add(r);
  return [...ids].sort((a, b) => a - b).map((r) => p.conflicts[r]!.map((i) => p.position[i]!));
}

/** The model of one component: only the caps its members belong to (plus `global` if given). */
export function buildModel(members: number[], p: Problem, global?: CapGroup): Model {
  const inside = p.position;
  for (let k = 0; k < members.length; k++) inside[members[k]!] = k;
  const mine = members.map((i) => p.units[i]!);
  const groups = new Set<CapGroup>();
  for (const i of members) for (const g of p.groupsOf[i]!) groups.add(g);
  if (global) groups.add(global);
  const caps: Model['caps'] = [];
  for (const g of groups) {
    const positions: number[] = [];
    let total = 0;
    for (const i of g.members) {
      const k = inside[i]!;
      if (k >= 0 && mine[k]! > 0) { positions.push(k); total += mine[k]!; }
    }
    const limit = p.rhs.get(g)!;
    if (positions.length > 0 && total > limit) caps.push({ positions, rhs: limit }); // binding only
  }
  const model = {
    members, units: mine, caps,
    lines: members.map((i) => p.cands[i]!.grants.length),
    sizes: members.map((i) => p.cands[i]!.achievementIds.length),
    conflicts: componentConflicts(members, p),
  };
  for (const i of members) inside[i] = -1;
  return model;
}
