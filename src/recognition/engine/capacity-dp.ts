import type { Model } from './model.js';

type Score = [number, number, number]; // grant lines, −achievements, −sum of candidate indices
interface Option { units: number; score: Score; pick: number[] }

const better = (a: Score, b: Score): boolean => {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
};
const add = (a: Score, b: Score): Score => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];

/** For one small component: the best-scoring feasible subset for each credit total it can reach. */
export function frontier(m: Model): Option[] {
  const n = m.members.length;
  const best = new Map<number, Option>();
  const conflictUsed = new Array<boolean>(m.conflicts.length).fill(false);
  const capUsed = new Array<number>(m.caps.length).fill(0);
  const conflictsOf = Array.from({ length: n }, () => [] as number[]);
  m.conflicts.forEach((set, r) => set.forEach((k) => conflictsOf[k]!.push(r)));
  const capsOf = Array.from({ length: n }, () => [] as number[]);
  m.caps.forEach((c, r) => c.positions.forEach((k) => capsOf[k]!.push(r)));
  const picked: number[] = [];
  const visit = (k: number, units: number, score: Score): void => {
    if (k === n) {
      const seen = best.get(units);
      if (!seen || better(score, seen.score)) best.set(units, { units, score, pick: picked.map((p) => m.members[p]!) });
      return;
    }
    const u = m.units[k]!;
    if (conflictsOf[k]!.every((r) => !conflictUsed[r]) && capsOf[k]!.every((r) => capUsed[r]! + u <= m.caps[r]!.rhs)) {
      conflictsOf[k]!.forEach((r) => (conflictUsed[r] = true));
      capsOf[k]!.forEach((r) => (capUsed[r]! += u));
      picked.push(k);
      visit(k + 1, units + u, add(score, [m.lines[k]!, -m.sizes[k]!, -m.members[k]!]));
      picked.pop();
      capsOf[k]!.forEach((r) => (capUsed[r]! -= u));
      conflictsOf[k]!.forEach((r) => (conflictUsed[r] = false));
    }
    visit(k + 1, units, score);
  };
  visit(0, 0, [0, 0, 0]);
  return [...best.values()].sort((a, b) => a.units - b.units);
}

interface Cell { score: Score; pick: number[]; prev: Cell | undefined }

/**
 * Exact knapsack over independent components sharing one capacity (the programme or period
 * cap): dynamic programming over the credit total, keeping the best tie-break score per total.
 * Scores add across components and the order is lexicographic, so per-total optimality holds.
 */
export function combineUnderCapacity(options: Option[][], capacity: number): number[] {
  let dp = new Map<number, Cell>([[0, { score: [0, 0, 0], pick: [], prev: undefined }]]);
  for (const opts of options) {
    const next = new Map<number, Cell>();
    for (const [t, cell] of dp) {
      for (const o of opts) {
        const total = t + o.units;
        if (total > capacity) break; // options are sorted by units
        const score = add(cell.score, o.score);
        const seen = next.get(total);
        if (!seen || better(score, seen.score)) next.set(total, { score, pick: o.pick, prev: cell });
      }
    }
    dp = next;
  }
  let top: Cell | undefined;
  let topT = -1;
  for (const [t, cell] of dp) if (t > topT || (t === topT && better(cell.score, top!.score))) [top, topT] = [cell, t];
  const out: number[] = [];
  for (let c = top; c; c = c.prev) out.push(...c.pick);
  return out;
}
