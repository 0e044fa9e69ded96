import type { MilpModel } from './milp-model.js';

export interface Column { item: number; limits: [number, number][]; covers: [number, number][] }

/** Mutable state of a partial assignment over the binary columns of a model. */
export class Partial {
  readonly x: Uint8Array;
  readonly usage: number[];
  readonly counted: number[];
  readonly itemTaken: Uint8Array;
  constructor(readonly model: MilpModel, readonly cols: Column[], readonly need: number[], readonly weight: number[]) {
    this.x = new Uint8Array(cols.length);
    this.usage = model.rows.map(() => 0);
    this.counted = need.map(() => 0);
    this.itemTaken = new Uint8Array(Math.max(0, ...cols.map((c) => c.item + 1)));
  }
  toggle(k: number, on: boolean): void {
    const c = this.cols[k]!;
    const sign = on ? 1 : -1;
    this.x[k] = on ? 1 : 0;
    this.itemTaken[c.item] = on ? 1 : 0;
    for (const [r, a] of c.limits) this.usage[r]! += sign * a;
    for (const [j, a] of c.covers) this.counted[j]! += sign * a;
  }
  /** Coverage gained if column k were switched on now. */
  gain(k: number): number {
    return this.cols[k]!.covers.reduce((g, [j, a]) => g + this.weight[j]! * Math.max(0, Math.min(a, this.need[j]! - this.counted[j]!)), 0);
  }
  loss(q: number): number {
    return this.cols[q]!.covers.reduce((l, [j, a]) => {
      const c = this.counted[j]!;
      return l + this.weight[j]! * (Math.min(c, this.need[j]!) - Math.min(c - a, this.need[j]!));
    }, 0);
  }
  coverage(): number {
    return this.counted.reduce((sum, c, j) => sum + this.weight[j]! * Math.min(c, this.need[j]!), 0);
  }
  blocking(k: number): [number, number][] {
    return this.cols[k]!.limits.filter(([r, a]) => this.usage[r]! + a > this.model.rows[r]!.upper + 1e-9);
  }
}

/** Column-wise view of a model's rows, built once per model (repair, restarts and search share it). */
export interface ModelIndex {
  cols: Column[];
  need: number[];
  weight: number[];
  /** Binary columns feeding each coverage column, and in each limit row. */
  coverCols: number[][];
  rowCols: number[][];
}

const indexes = new WeakMap<MilpModel, ModelIndex>();

export function modelIndex(model: MilpModel): ModelIndex {
  const cached = indexes.get(model);
  if (cached) return cached;
  const n = model.pairs.length;
  const cols: Column[] = model.pairs.map(([item]) => ({ item, limits: [], covers: [] }));
  const coverage = new Map(model.coverageRows.map((r, j) => [r, j]));
  model.rows.forEach((row, r) => row.indices.forEach((col, t) => {
    if (col >= cols.length) return;
    const j = coverage.get(r);
    if (j === undefined) cols[col]!.limits.push([r, row.values[t]!]);
    else cols[col]!.covers.push([j, -row.values[t]!]);
  }));
  const need = model.coverageRows.map((_, j) => model.colUpper[n + j]!);
  const weight = model.coverageRows.map((_, j) => model.colCost[n + j]!);
  const coverCols = need.map(() => [] as number[]);
  cols.forEach((c, k) => c.covers.forEach(([j]) => coverCols[j]!.push(k)));
  const rowCols = model.rows.map(() => [] as number[]);
  cols.forEach((c, k) => c.limits.forEach(([r]) => rowCols[r]!.push(k)));
  const index = { cols, need, weight, coverCols, rowCols };
  indexes.set(model, index);
  return index;
}

function greedyAdd(s: Partial, candidates: number[]): boolean {
  let best = -1;
  let bestGain = 0;
  for (const k of candidates) {
    if (s.itemTaken[s.cols[k]!.item]) continue;
    const g = s.gain(k);
    if (g > bestGain && s.blocking(k).length === 0) { best = k; bestGain = g; }
  }
  if (best >= 0) s.toggle(best, true);
  return best >= 0;
}

/** One improving exchange: switch on a blocked column by switching off one placed column. */
function swapOnce(s: Partial, candidates: number[], placedByRow: (r: number) => number[]): boolean {
  for (const k of candidates) {
    const blocked = s.blocking(k);
    const sameItem = s.itemTaken[s.cols[k]!.item] ? s.x.findIndex((v, q) => v === 1 && s.cols[q]!.item === s.cols[k]!.item) : -1;
    const options = sameItem >= 0 ? [sameItem] : blocked.length ? placedByRow(blocked[0]![0]) : [];
    for (const q of options) {
      s.toggle(q, false);
      const ok = s.blocking(k).length === 0 && !s.itemTaken[s.cols[k]!.item];
      const net = ok ? s.gain(k) : 0;
      s.toggle(q, true);
      if (ok && net > s.loss(q)) {
        s.toggle(q, false);
        s.toggle(k, true);
        return true;
      }
    }
  }
  return false;
}

/**
 * Heuristic repair of the LP solution's whole part: greedily switch on the column that most
 * raises coverage, then try single exchanges. Only useful when it reaches the LP bound, which
 * then proves it optimal; otherwise the caller falls back to the MILP.
 */
export function repairTowardCoverage(model: MilpModel, start: Float64Array, maxSteps = 500): Float64Array {
  const n = model.pairs.length;
  const { cols, need, weight, coverCols, rowCols } = modelIndex(model);
  const s = new Partial(model, cols, need, weight);
  // Only the LP's whole ones are kept: rounding fractional values up could break a limit.
  for (let k = 0; k < n; k++) if (start[k]! > 1 - 1e-7) s.toggle(k, true);
  const placedByRow = (r: number) => rowCols[r]!.filter((q) => s.x[q] === 1);
  for (let step = 0; step < maxSteps; step++) {
    const short = need.flatMap((v, j) => (s.counted[j]! < v ? [j] : []));
    if (short.length === 0) break;
    const candidates = [...new Set(short.flatMap((j) => coverCols[j]!))];
    if (!greedyAdd(s, candidates) && !swapOnce(s, candidates, placedByRow)) break;
  }
  return Float64Array.from({ length: model.numCols }, (_, k) => (k < n ? s.x[k]! : 0));
}

/**
 * Binary columns worth reopening when a repaired assignment falls short: every column that could
 * feed a short minimum, plus the placed columns of the limit rows that block those.
 */
export function shortfallNeighbourhood(model: MilpModel, x: Float64Array): Set<number> {
  const n = model.pairs.length;
  const { cols, need, rowCols } = modelIndex(model);
  const s = new Partial(model, cols, need, need.map(() => 1));
  for (let k = 0; k < n; k++) if (x[k]! > 0.5) s.toggle(k, true);
  const open = new Set<number>();
  cols.forEach((c, k) => {
    if (!c.covers.some(([j]) => s.counted[j]! < need[j]!)) return;
    open.add(k);
    for (const [r] of s.blocking(k)) for (const q of rowCols[r]!) if (s.x[q] === 1) open.add(q);
    // The column's own item may be placed elsewhere; reopening that placement lets it move.
    for (const [r] of c.limits) for (const q of rowCols[r]!) if (s.x[q] === 1 && cols[q]!.item === c.item) open.add(q);
  });
  return open;
}
