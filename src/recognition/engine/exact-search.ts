import type { Model } from './model.js';

/**
 * Exhaustive depth-first search over include/exclude of each candidate, pruning only branches
 * that are infeasible or that cannot reach the best credit total even by taking every remaining
 * candidate; so it returns the same lexicographic optimum as the MILP. Meant for small components.
 *
 * The score is (credits, grant lines, −achievements, −sum of candidate indices), compared
 * lexicographically. It is kept in four numbers and the search allocates nothing per visited
 * node (it runs for every competing group of every evaluation).
 */
export function exactSearch(m: Model): number[] {
  const n = m.members.length;
  const conflictsOf: number[][] = [];
  const capsOf: number[][] = [];
  for (let k = 0; k < n; k++) { conflictsOf.push([]); capsOf.push([]); }
  for (let r = 0; r < m.conflicts.length; r++) for (const k of m.conflicts[r]!) conflictsOf[k]!.push(r);
  for (let r = 0; r < m.caps.length; r++) for (const k of m.caps[r]!.positions) capsOf[k]!.push(r);
  const suffix = new Array<number>(n + 1).fill(0);
  for (let k = n - 1; k >= 0; k--) suffix[k] = suffix[k + 1]! + m.units[k]!;
  const conflictUsed = new Array<boolean>(m.conflicts.length).fill(false);
  const capUsed = new Array<number>(m.caps.length).fill(0);
  const capRhs = m.caps.map((c) => c.rhs);
  const inPick = new Array<boolean>(n).fill(false);
  let bestPick = new Array<boolean>(n).fill(false);
  let b0 = -1, b1 = 0, b2 = 0, b3 = 0; // best score so far
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // score of the current branch
  const better = (): boolean =>
    s0 !== b0 ? s0 > b0 : s1 !== b1 ? s1 > b1 : s2 !== b2 ? s2 > b2 : s3 > b3;
  const fits = (k: number): boolean => {
    for (const r of conflictsOf[k]!) if (conflictUsed[r]) return false;
    const u = m.units[k]!;
    for (const r of capsOf[k]!) if (capUsed[r]! + u > capRhs[r]!) return false;
    return true;
  };
  const visit = (k: number): void => {
    if (s0 + suffix[k]! < b0) return;
    if (k === n) {
      if (better()) { b0 = s0; b1 = s1; b2 = s2; b3 = s3; bestPick = inPick.slice(); }
      return;
    }
    if (fits(k)) {
      const u = m.units[k]!;
      for (const r of conflictsOf[k]!) conflictUsed[r] = true;
      for (const r of capsOf[k]!) capUsed[r]! += u;
      s0 += u; s1 += m.lines[k]!; s2 -= m.sizes[k]!; s3 -= m.members[k]!;
      inPick[k] = true;
      visit(k + 1);
      inPick[k] = false;
      s0 -= u; s1 -= m.lines[k]!; s2 += m.sizes[k]!; s3 += m.members[k]!;
      for (const r of capsOf[k]!) capUsed[r]! -= u;
      for (const r of conflictsOf[k]!) conflictUsed[r] = false;
    }
    visit(k + 1);
  };
  visit(0);
  const out: number[] = [];
  for (let k = 0; k < n; k++) if (bestPick[k]) out.push(m.members[k]!);
  return out;
}
