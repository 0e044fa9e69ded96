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
// Rows of each position as one flat list: position k's rows are rows[start[k]] … rows[start[k + 1] − 1],
// in row order (two arrays per search instead of one per position).
function rowsByPosition(n: number, rowCount: number, positionsOf: (r: number) => number[]): { start: number[]; rows: number[] } {
  const start = new Array<number>(n + 1).fill(0);
  for (let r = 0; r < rowCount; r++) for (const k of positionsOf(r)) start[k + 1]!++;
  for (let k = 0; k < n; k++) start[k + 1]! += start[k]!;
  const next = start.slice(0, n);
  const rows = new Array<number>(start[n]!);
  for (let r = 0; r < rowCount; r++) for (const k of positionsOf(r)) rows[next[k]!++] = r;
  return { start, rows };
}

export function exactSearch(m: Model): number[] {
  const n = m.members.length;
  const conflictsOf = rowsByPosition(n, m.conflicts.length, (r) => m.conflicts[r]!);
  const capsOf = rowsByPosition(n, m.caps.length, (r) => m.caps[r]!.positions);
  const suffix = new Array<number>(n + 1).fill(0);
  for (let k = n - 1; k >= 0; k--) suffix[k] = suffix[k + 1]! + m.units[k]!;
  const conflictUsed = new Array<boolean>(m.conflicts.length).fill(false);
  const capUsed = new Array<number>(m.caps.length).fill(0);
  const capRhs = m.caps.map((c) => c.rhs);
  const inPick = new Array<boolean>(n).fill(false);
  const bestPick = new Array<boolean>(n).fill(false);
  let b0 = -1, b1 = 0, b2 = 0, b3 = 0; // best score so far
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // score of the current branch
  const better = (): boolean =>
    s0 !== b0 ? s0 > b0 : s1 !== b1 ? s1 > b1 : s2 !== b2 ? s2 > b2 : s3 > b3;
  const fits = (k: number): boolean => {
    for (let j = conflictsOf.start[k]!; j < conflictsOf.start[k + 1]!; j++) if (conflictUsed[conflictsOf.rows[j]!]) return false;
    const u = m.units[k]!;
    for (let j = capsOf.start[k]!; j < capsOf.start[k + 1]!; j++) if (capUsed[capsOf.rows[j]!]! + u > capRhs[capsOf.rows[j]!]!) return false;
    return true;
  };
  const mark = (k: number, used: boolean, u: number): void => {
    for (let j = conflictsOf.start[k]!; j < conflictsOf.start[k + 1]!; j++) conflictUsed[conflictsOf.rows[j]!] = used;
    for (let j = capsOf.start[k]!; j < capsOf.start[k + 1]!; j++) capUsed[capsOf.rows[j]!]! += u;
  };
  const visit = (k: number): void => {
    if (s0 + suffix[k]! < b0) return;
    if (k === n) {
      if (better()) {
        b0 = s0; b1 = s1; b2 = s2; b3 = s3;
        for (let j = 0; j < n; j++) bestPick[j] = inPick[j]!; // copied in place: improvements are frequent
      }
      return;
    }
    if (fits(k)) {
      const u = m.units[k]!;
      mark(k, true, u);
      s0 += u; s1 += m.lines[k]!; s2 -= m.sizes[k]!; s3 -= m.members[k]!;
      inPick[k] = true;
      visit(k + 1);
      inPick[k] = false;
      s0 -= u; s1 -= m.lines[k]!; s2 += m.sizes[k]!; s3 += m.members[k]!;
      mark(k, false, -u);
    }
    visit(k + 1);
  };
  visit(0);
  const out: number[] = [];
  for (let k = 0; k < n; k++) if (bestPick[k]) out.push(m.members[k]!);
  return out;
}
