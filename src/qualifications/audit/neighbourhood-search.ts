import type { MilpModel } from './milp-model.js';
import { Partial, modelIndex } from './repair.js';

/**
 * Exhaustive depth-first search over a few reopened binary columns, everything else fixed,
 * for an assignment whose coverage reaches `target` (the LP bound). Returns undefined when
 * the neighbourhood holds none or the node budget runs out. Small neighbourhoods are solved
 * here because one HiGHS MILP call costs ~100 ms even on 20 binaries (measured).
 */
export function searchNeighbourhood(model: MilpModel, base: Float64Array, open: Set<number>, target: number,
  nodeBudget = 50_000): Float64Array | undefined {
  const n = model.pairs.length;
  const index = modelIndex(model);
  const { need, weight, coverStart, coverMin, coverValue } = index;
  const s = new Partial(model, index, need, weight);
  for (let k = 0; k < n; k++) if (base[k]! > 0.5 && !open.has(k)) s.toggle(k, true);
  const order = [...open].sort((a, b) => s.gain(b) - s.gain(a) || a - b);
  // potential[i][j]: what columns order[i..] could still add to minimum j.
  const potential = order.map(() => need.map(() => 0));
  for (let i = order.length - 1; i >= 0; i--) {
    const row = potential[i]!;
    if (i + 1 < order.length) potential[i + 1]!.forEach((v, j) => { row[j] = v; });
    for (let t = coverStart[order[i]!]!; t < coverStart[order[i]! + 1]!; t++) row[coverMin[t]!]! += coverValue[t]!;
  }
  const optimistic = (i: number) => need.reduce((sum, v, j) =>
    sum + weight[j]! * Math.min(v, s.counted[j]! + (i < order.length ? potential[i]![j]! : 0)), 0);
  let nodes = 0;
  const dfs = (i: number): boolean => {
    if (++nodes > nodeBudget) return false;
    if (s.coverage() >= target - 0.5) return true;
    if (i >= order.length || optimistic(i) < target - 0.5) return false;
    const k = order[i]!;
    if (!s.itemTaken(k) && s.firstBlocking(k) < 0) {
      s.toggle(k, true);
      if (dfs(i + 1)) return true;
      s.toggle(k, false);
    }
    return dfs(i + 1);
  };
  if (!dfs(0)) return undefined;
  return Float64Array.from({ length: model.numCols }, (_, k) => (k < n ? s.x[k]! : 0));
}
