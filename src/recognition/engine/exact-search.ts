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

/**
 * The search's state and its steps as methods: the same closures created per call cost a
 * `__name` wrapper each under tsx (how `npm start` runs), which showed in previews with dozens of
 * small components.
 */
class Search {
  readonly n: number;
  readonly conflictsOf: { start: number[]; rows: number[] };
  readonly capsOf: { start: number[]; rows: number[] };
  readonly suffix: number[];
  readonly conflictUsed: boolean[];
  readonly capUsed: number[];
  readonly capRhs: number[];
  readonly inPick: boolean[];
  readonly bestPick: boolean[];
  b0 = -1; b1 = 0; b2 = 0; b3 = 0; // best score so far
  s0 = 0; s1 = 0; s2 = 0; s3 = 0; // score of the current branch

  constructor(readonly m: Model) {
    const n = (this.n = m.members.length);
    this.conflictsOf = rowsByPosition(n, m.conflicts.length, (r) => m.conflicts[r]!);
    this.capsOf = rowsByPosition(n, m.caps.length, (r) => m.caps[r]!.positions);
    this.suffix = new Array<number>(n + 1).fill(0);
    for (let k = n - 1; k >= 0; k--) this.suffix[k] = this.suffix[k + 1]! + m.units[k]!;
    this.conflictUsed = new Array<boolean>(m.conflicts.length).fill(false);
    this.capUsed = new Array<number>(m.caps.length).fill(0);
    this.capRhs = m.caps.map((c) => c.rhs);
    this.inPick = new Array<boolean>(n).fill(false);
    this.bestPick = new Array<boolean>(n).fill(false);
  }

  better(): boolean {
    return this.s0 !== this.b0 ? this.s0 > this.b0 : this.s1 !== this.b1 ? this.s1 > this.b1 : this.s2 !== this.b2 ? this.s2 > this.b2 : this.s3 > this.b3;
  }

  fits(k: number): boolean {
    const { conflictsOf, capsOf } = this;
    for (let j = conflictsOf.start[k]!; j < conflictsOf.start[k + 1]!; j++) if (this.conflictUsed[conflictsOf.rows[j]!]) return false;
    const u = this.m.units[k]!;
    for (let j = capsOf.start[k]!; j < capsOf.start[k + 1]!; j++) if (this.capUsed[capsOf.rows[j]!]! + u > this.capRhs[capsOf.rows[j]!]!) return false;
    return true;
  }

  mark(k: number, used: boolean, u: number): void {
    const { conflictsOf, capsOf } = this;
    for (let j = conflictsOf.start[k]!; j < conflictsOf.start[k + 1]!; j++) this.conflictUsed[conflictsOf.rows[j]!] = used;
    for (let j = capsOf.start[k]!; j < capsOf.start[k + 1]!; j++) this.capUsed[capsOf.rows[j]!]! += u;
  }

  visit(k: number): void {
    if (this.s0 + this.suffix[k]! < this.b0) return;
    const n = this.n;
    if (k === n) {
      if (this.better()) {
        this.b0 = this.s0; this.b1 = this.s1; this.b2 = this.s2; this.b3 = this.s3;
        for (let j = 0; j < n; j++) this.bestPick[j] = this.inPick[j]!; // copied in place: improvements are frequent
      }
      return;
    }
    const m = this.m;
    if (this.fits(k)) {
      const u = m.units[k]!;
      this.mark(k, true, u);
      this.s0 += u; this.s1 += m.lines[k]!; this.s2 -= m.sizes[k]!; this.s3 -= m.members[k]!;
      this.inPick[k] = true;
      this.visit(k + 1);
      this.inPick[k] = false;
      this.s0 -= u; this.s1 -= m.lines[k]!; this.s2 += m.sizes[k]!; this.s3 += m.members[k]!;
      this.mark(k, false, -u);
    }
    this.visit(k + 1);
  }
}

export function exactSearch(m: Model): number[] {
  const search = new Search(m);
  search.visit(0);
  const out: number[] = [];
  for (let k = 0; k < search.n; k++) if (search.bestPick[k]) out.push(m.members[k]!);
  return out;
}
