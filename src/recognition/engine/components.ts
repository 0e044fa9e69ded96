import type { CapGroup } from './caps.js';
import type { Candidate } from './result-types.js';

/** Sets of candidates of which at most one may be chosen: same achievement or same target item. */
export function conflictSets(cands: Candidate[], members: number[]): number[][] {
  // Two maps instead of prefixed string keys: this runs over every candidate of an evaluation.
  const byAchievement = new Map<string, number[]>();
  const byItem = new Map<string, number[]>();
  const file = (map: Map<string, number[]>, k: string, i: number): void => {
    const list = map.get(k);
    if (!list) map.set(k, [i]);
    else if (list[list.length - 1] !== i) list.push(i); // a candidate naming one item twice
  };
  for (const i of members) {
    const c = cands[i]!;
    for (const a of c.achievementIds) file(byAchievement, a, i);
    for (const g of c.grants) if (g.targetItemId !== undefined) file(byItem, g.targetItemId, i);
  }
  const out: number[][] = [];
  for (const map of [byAchievement, byItem]) for (const set of map.values()) if (set.length > 1) out.push(set);
  return out;
}

/**
 * Independent sub-problems: candidates linked by a conflict or by a cap they could overrun.
 * `units` are the candidates' credits and `rhs` each group's remaining cap, in integer units.
 */
export function componentsOf(active: number[], conflicts: number[][], groups: CapGroup[], units: number[], rhs: Map<CapGroup, number>): number[][] {
  // Candidate indices are small and dense: a typed array (−1: not active) instead of a Map.
  let size = 0;
  for (const i of active) if (i >= size) size = i + 1;
  for (const g of groups) for (const i of g.members) if (i >= size) size = i + 1;
  const parent = new Int32Array(size).fill(-1);
  for (const i of active) parent[i] = i;
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r]!;
    parent[i] = r;
    return r;
  };
  const join = (set: number[]): void => {
    for (let k = 1; k < set.length; k++) parent[find(set[k]!)] = find(set[0]!);
  };
  conflicts.forEach(join);
  for (const g of groups) {
    // Members that could overrun the cap together are joined to the first of them.
    let total = 0, first = -1;
    for (const i of g.members) if (parent[i] !== -1 && units[i]! > 0) { total += units[i]!; if (first < 0) first = i; }
    if (total <= rhs.get(g)!) continue;
    for (const i of g.members) if (i !== first && parent[i] !== -1 && units[i]! > 0) parent[find(i)] = find(first);
  }
  const comps = new Map<number, number[]>();
  for (const i of active) {
    const root = find(i);
    const list = comps.get(root);
    if (list) list.push(i);
    else comps.set(root, [i]);
  }
  return [...comps.values()];
}
