import { Decimal } from 'decimal.js';
import type { CapGroup } from './caps.js';
import type { Candidate } from './result-types.js';

/** Sets of candidates of which at most one may be chosen: same achievement or same target item. */
export function conflictSets(cands: Candidate[], members: number[]): number[][] {
  const byKey = new Map<string, number[]>();
  for (const i of members) {
    const c = cands[i]!;
    const keys = [...c.achievementIds.map((a) => `a:${a}`),
      ...c.grants.flatMap((g) => (g.targetItemId === undefined ? [] : [`t:${g.targetItemId}`]))];
    for (const k of new Set(keys)) {
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    }
  }
  return [...byKey.values()].filter((set) => set.length > 1);
}

/** Independent sub-problems: candidates linked by a conflict or by a cap they could overrun. */
export function componentsOf(cands: Candidate[], active: number[], groups: CapGroup[]): number[][] {
  const parent = new Map(active.map((i) => [i, i]));
  const find = (i: number): number => {
    let r = i;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(i, r);
    return r;
  };
  const join = (set: number[]): void => {
    for (const i of set.slice(1)) parent.set(find(i), find(set[0]!));
  };
  conflictSets(cands, active).forEach(join);
  for (const g of groups) {
    const ms = g.members.filter((i) => parent.has(i) && cands[i]!.credits.gt(0));
    const total = ms.reduce((s, i) => s.plus(cands[i]!.credits), new Decimal(0));
    if (total.gt(g.remaining)) join(ms);
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
