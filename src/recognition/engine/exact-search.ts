import type { Model } from './model.js';

type Score = [number, number, number, number]; // credits, grant lines, −achievements, −sum of candidate indices

const better = (a: Score, b: Score): boolean => {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
};

/**
 * Exhaustive depth-first search over include/exclude of each candidate, pruning only branches
 * that are infeasible or that cannot reach the best credit total even by taking every remaining
 * candidate; so it returns the same lexicographic optimum as the MILP. Meant for small components.
 */
export function exactSearch(m: Model): number[] {
  const n = m.members.length;
  const conflictsOf = Array.from({ length: n }, () => [] as number[]);
  m.conflicts.forEach((set, r) => set.forEach((k) => conflictsOf[k]!.push(r)));
  const capsOf = Array.from({ length: n }, () => [] as number[]);
  m.caps.forEach((c, r) => c.positions.forEach((k) => capsOf[k]!.push(r)));
  const suffix = new Array<number>(n + 1).fill(0);
  for (let k = n - 1; k >= 0; k--) suffix[k] = suffix[k + 1]! + m.units[k]!;
  const conflictUsed = new Array<boolean>(m.conflicts.length).fill(false);
  const capUsed = new Array<number>(m.caps.length).fill(0);
  const picked: number[] = [];
  let best: Score = [-1, 0, 0, 0];
  let bestPick: number[] = [];
  const score: Score = [0, 0, 0, 0];
  const visit = (k: number): void => {
    if (score[0] + suffix[k]! < best[0]) return;
    if (k === n) {
      if (better(score, best)) { best = [...score]; bestPick = [...picked]; }
      return;
    }
    const fits = conflictsOf[k]!.every((r) => !conflictUsed[r]) && capsOf[k]!.every((r) => capUsed[r]! + m.units[k]! <= m.caps[r]!.rhs);
    if (fits) {
      conflictsOf[k]!.forEach((r) => (conflictUsed[r] = true));
      capsOf[k]!.forEach((r) => (capUsed[r]! += m.units[k]!));
      const delta: Score = [m.units[k]!, m.lines[k]!, -m.sizes[k]!, -m.members[k]!];
      delta.forEach((v, i) => (score[i]! += v));
      picked.push(k);
      visit(k + 1);
      picked.pop();
      delta.forEach((v, i) => (score[i]! -= v));
      capsOf[k]!.forEach((r) => (capUsed[r]! -= m.units[k]!));
      conflictsOf[k]!.forEach((r) => (conflictUsed[r] = false));
    }
    visit(k + 1);
  };
  visit(0);
  return bestPick.map((k) => m.members[k]!);
}
