import type { MilpModel } from './milp-model.js';

export interface Column { item: number; limits: [number, number][]; covers: [number, number][] }

/**
 * Column-wise view of a model's rows, built once per model (repair, restarts and search share it).
 * The flat arrays (CSR form: column k's limit entries are limitStart[k]..limitStart[k+1]) are what
 * the hot loops read; `cols` is the same data as tuples for the colder callers.
 */
export interface ModelIndex {
  cols: Column[];
  need: number[];
  weight: number[];
  /** Binary columns feeding each coverage column, and in each limit row. */
  coverCols: number[][];
  rowCols: number[][];
  /** rowValues[r][i]: the amount column rowCols[r][i] uses of limit row r. */
  rowValues: number[][];
  itemOf: Int32Array;
  items: number;
  limitStart: Int32Array;
  limitRow: Int32Array;
  limitValue: Float64Array;
  coverStart: Int32Array;
  coverMin: Int32Array;
  coverValue: Float64Array;
  rowUpper: Float64Array;
  /** The most coverage column k could ever add: Σ weight·amount over the minimums it feeds. */
  maxGain: Float64Array;
}

/** Mutable state of a partial assignment over the binary columns of a model. */
export class Partial {
  readonly x: Uint8Array;
  readonly usage: Float64Array;
  readonly counted: Float64Array;
  /** The placed column of each item, or -1 (at most one column of an item is ever placed). */
  readonly placedOf: Int32Array;
  readonly cols: Column[];
  constructor(readonly model: MilpModel, readonly index: ModelIndex, readonly need: number[], readonly weight: number[]) {
    this.cols = index.cols;
    this.x = new Uint8Array(index.cols.length);
    this.usage = new Float64Array(model.rows.length);
    this.counted = new Float64Array(need.length);
    this.placedOf = new Int32Array(index.items).fill(-1);
  }
  itemTaken(k: number): boolean {
    return this.placedOf[this.index.itemOf[k]!]! >= 0;
  }
  toggle(k: number, on: boolean): void {
    const { itemOf, limitStart, limitRow, limitValue, coverStart, coverMin, coverValue } = this.index;
    const sign = on ? 1 : -1;
    this.x[k] = on ? 1 : 0;
    this.placedOf[itemOf[k]!] = on ? k : -1;
    for (let t = limitStart[k]!; t < limitStart[k + 1]!; t++) this.usage[limitRow[t]!]! += sign * limitValue[t]!;
    for (let t = coverStart[k]!; t < coverStart[k + 1]!; t++) this.counted[coverMin[t]!]! += sign * coverValue[t]!;
  }
  /** Coverage gained if column k were switched on now. */
  gain(k: number): number {
    const { coverStart, coverMin, coverValue } = this.index;
    let g = 0;
    for (let t = coverStart[k]!; t < coverStart[k + 1]!; t++) {
      const j = coverMin[t]!;
      g += this.weight[j]! * Math.max(0, Math.min(coverValue[t]!, this.need[j]! - this.counted[j]!));
    }
    return g;
  }
  loss(q: number): number {
    const { coverStart, coverMin, coverValue } = this.index;
    let l = 0;
    for (let t = coverStart[q]!; t < coverStart[q + 1]!; t++) {
      const j = coverMin[t]!;
      const c = this.counted[j]!;
      l += this.weight[j]! * (Math.min(c, this.need[j]!) - Math.min(c - coverValue[t]!, this.need[j]!));
    }
    return l;
  }
  coverage(): number {
    let sum = 0;
    for (let j = 0; j < this.need.length; j++) sum += this.weight[j]! * Math.min(this.counted[j]!, this.need[j]!);
    return sum;
  }
  /** The first limit row that column k would break if switched on now, or -1. */
  firstBlocking(k: number): number {
    const { limitStart, limitRow, limitValue, rowUpper } = this.index;
    for (let t = limitStart[k]!; t < limitStart[k + 1]!; t++) {
      const r = limitRow[t]!;
      if (this.usage[r]! + limitValue[t]! > rowUpper[r]! + 1e-9) return r;
    }
    return -1;
  }
  blocking(k: number): [number, number][] {
    return this.cols[k]!.limits.filter(([r, a]) => this.usage[r]! + a > this.model.rows[r]!.upper + 1e-9);
  }
  /**
   * Coverage column k would add once placed column q is switched off, or undefined when k would
   * still not fit. Computed from the current state without changing it (the general form; swaps
   * within a blocking row use Focus).
   */
  swapGain(k: number, q: number): number | undefined {
    const { itemOf, limitStart, limitRow, limitValue, coverStart, coverMin, coverValue, rowUpper } = this.index;
    if (this.placedOf[itemOf[k]!]! >= 0 && itemOf[k] !== itemOf[q]) return undefined;
    for (let t = limitStart[k]!; t < limitStart[k + 1]!; t++) {
      const r = limitRow[t]!;
      let freed = 0;
      for (let u = limitStart[q]!; u < limitStart[q + 1]!; u++) if (limitRow[u] === r) freed += limitValue[u]!;
      if (this.usage[r]! - freed + limitValue[t]! > rowUpper[r]! + 1e-9) return undefined;
    }
    let gained = 0;
    for (let t = coverStart[k]!; t < coverStart[k + 1]!; t++) {
      const j = coverMin[t]!;
      let dropped = 0;
      for (let u = coverStart[q]!; u < coverStart[q + 1]!; u++) if (coverMin[u] === j) dropped += coverValue[u]!;
      gained += this.weight[j]! * Math.max(0, Math.min(coverValue[t]!, this.need[j]! - (this.counted[j]! - dropped)));
    }
    return gained;
  }
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
  const rowValues = model.rows.map(() => [] as number[]);
  cols.forEach((c, k) => c.limits.forEach(([r, a]) => { rowCols[r]!.push(k); rowValues[r]!.push(a); }));
  const flat = (part: 'limits' | 'covers') => {
    const start = new Int32Array(n + 1);
    cols.forEach((c, k) => { start[k + 1] = start[k]! + c[part].length; });
    const key = new Int32Array(start[n]!);
    const value = new Float64Array(start[n]!);
    cols.forEach((c, k) => c[part].forEach(([r, a], t) => { key[start[k]! + t] = r; value[start[k]! + t] = a; }));
    return { start, key, value };
  };
  const limits = flat('limits');
  const covers = flat('covers');
  const index: ModelIndex = {
    cols, need, weight, coverCols, rowCols, rowValues,
    itemOf: Int32Array.from(cols, (c) => c.item),
    items: cols.reduce((m, c) => Math.max(m, c.item + 1), 0),
    limitStart: limits.start, limitRow: limits.key, limitValue: limits.value,
    coverStart: covers.start, coverMin: covers.key, coverValue: covers.value,
    rowUpper: Float64Array.from(model.rows, (r) => r.upper),
    maxGain: Float64Array.from(cols, (c) => c.covers.reduce((g, [j, a]) => g + weight[j]! * a, 0)),
  };
  indexes.set(model, index);
  return index;
}

function greedyAdd(s: Partial, candidates: number[]): boolean {
  let best = -1;
  let bestGain = 0;
  for (const k of candidates) {
    if (s.itemTaken(k)) continue;
    const g = s.gain(k);
    if (g > bestGain && s.firstBlocking(k) < 0) { best = k; bestGain = g; }
  }
  if (best >= 0) s.toggle(best, true);
  return best >= 0;
}

/**
 * What column k adds to each minimum it feeds, kept while the swaps of k are tried, so that the
 * coverage k adds with a placed column q switched off is read from q's few entries only.
 */
class Focus {
  private readonly slot: Int32Array;
  private readonly part: number[] = [];
  private k = -1;
  private base = 0;
  constructor(private readonly s: Partial) {
    this.slot = new Int32Array(s.need.length).fill(-1);
  }
  set(k: number): void {
    const { coverStart, coverMin, coverValue } = this.s.index;
    const { need, counted, weight } = this.s;
    if (this.k >= 0) for (let t = coverStart[this.k]!; t < coverStart[this.k + 1]!; t++) this.slot[coverMin[t]!] = -1;
    this.k = k;
    this.base = 0;
    this.part.length = 0;
    for (let t = coverStart[k]!; t < coverStart[k + 1]!; t++) {
      const j = coverMin[t]!;
      const g = weight[j]! * Math.max(0, Math.min(coverValue[t]!, need[j]! - counted[j]!));
      this.slot[j] = t;
      this.part.push(g);
      this.base += g;
    }
  }
  /** Coverage the focused column adds once placed column q is switched off (fit is checked apart). */
  gainedWithout(q: number): number {
    const { coverStart, coverMin, coverValue } = this.s.index;
    const { need, counted, weight } = this.s;
    const first = coverStart[this.k]!;
    let g = this.base;
    for (let u = coverStart[q]!; u < coverStart[q + 1]!; u++) {
      const j = coverMin[u]!;
      const t = this.slot[j]!;
      if (t < 0) continue;
      g += weight[j]! * Math.max(0, Math.min(coverValue[t]!, need[j]! - counted[j]! + coverValue[u]!)) - this.part[t - first]!;
    }
    return g;
  }
}

/** Limit rows a column would break if switched on now, with how much each must be freed. */
interface Excess { rows: number[]; amounts: number[] }

function excessOf(s: Partial, k: number, out: Excess): Excess {
  const { limitStart, limitRow, limitValue, rowUpper } = s.index;
  out.rows.length = 0;
  out.amounts.length = 0;
  for (let t = limitStart[k]!; t < limitStart[k + 1]!; t++) {
    const r = limitRow[t]!;
    const excess = s.usage[r]! + limitValue[t]! - rowUpper[r]!;
    if (excess > 1e-9) { out.rows.push(r); out.amounts.push(excess); }
  }
  return out;
}

/** Whether switching q off frees every row in `excess` from index `from` on (limit amounts are never negative). */
function frees(s: Partial, q: number, excess: Excess, from: number): boolean {
  const { limitStart, limitRow, limitValue } = s.index;
  for (let e = from; e < excess.rows.length; e++) {
    let freed = 0;
    for (let u = limitStart[q]!; u < limitStart[q + 1]!; u++) if (limitRow[u] === excess.rows[e]) freed += limitValue[u]!;
    if (freed < excess.amounts[e]! - 1e-9) return false;
  }
  return true;
}

/** Scratch space for swapOnce, allocated once per repair. */
interface SwapScratch { lossOf: Float64Array; excess: Excess; focus: Focus }

/**
 * One improving exchange: switch on a blocked column by switching off one placed column (its own
 * item's placement elsewhere, or a placed column of the first row that blocks it). The first
 * improving pair in candidate order is taken.
 */
function swapOnce(s: Partial, candidates: number[], { lossOf, excess, focus }: SwapScratch): boolean {
  const { itemOf, maxGain, rowCols, rowValues } = s.index;
  // The state does not change until a swap is made, so each placed column's loss is computed once.
  lossOf.fill(-1);
  const loss = (q: number) => (lossOf[q]! >= 0 ? lossOf[q]! : (lossOf[q] = s.loss(q)));
  const swap = (k: number, q: number) => { s.toggle(q, false); s.toggle(k, true); return true; };
  for (const k of candidates) {
    // A placed column swapped for itself never gains.
    if (s.x[k] === 1) continue;
    const sameItem = s.placedOf[itemOf[k]!]!;
    if (sameItem >= 0) {
      const gained = s.swapGain(k, sameItem);
      if (gained !== undefined && gained > loss(sameItem)) return swap(k, sameItem);
      continue;
    }
    excessOf(s, k, excess);
    if (excess.rows.length === 0) continue;
    focus.set(k);
    // Only placed columns of the first blocking row are tried, and only those that free it enough.
    const r0 = excess.rows[0]!;
    const options = rowCols[r0]!;
    const amounts = rowValues[r0]!;
    for (let i = 0; i < options.length; i++) {
      const q = options[i]!;
      // k never adds more than maxGain, so a column that loses as much is not worth swapping out.
      if (s.x[q] !== 1 || loss(q) >= maxGain[k]! || amounts[i]! < excess.amounts[0]! - 1e-9 || !frees(s, q, excess, 1)) continue;
      if (focus.gainedWithout(q) > loss(q)) return swap(k, q);
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
  const index = modelIndex(model);
  const { need, weight, coverCols } = index;
  const s = new Partial(model, index, need, weight);
  // Only the LP's whole ones are kept: rounding fractional values up could break a limit.
  for (let k = 0; k < n; k++) if (start[k]! > 1 - 1e-7) s.toggle(k, true);
  const seen = new Int32Array(n).fill(-1);
  const scratch: SwapScratch = { lossOf: new Float64Array(n), excess: { rows: [], amounts: [] }, focus: new Focus(s) };
  const candidates: number[] = [];
  for (let step = 0; step < maxSteps; step++) {
    // Columns that feed a short minimum, each once, in the order of the minimums.
    candidates.length = 0;
    for (let j = 0; j < need.length; j++) {
      if (s.counted[j]! >= need[j]!) continue;
      for (const k of coverCols[j]!) if (seen[k] !== step) { seen[k] = step; candidates.push(k); }
    }
    if (candidates.length === 0) break;
    if (!greedyAdd(s, candidates) && !swapOnce(s, candidates, scratch)) break;
  }
  const out = new Float64Array(model.numCols);
  for (let k = 0; k < n; k++) out[k] = s.x[k]!;
  return out;
}

/**
 * Binary columns worth reopening when a repaired assignment falls short: every column that could
 * feed a short minimum, plus the placed columns of the limit rows that block those.
 */
export function shortfallNeighbourhood(model: MilpModel, x: Float64Array): Set<number> {
  const n = model.pairs.length;
  const index = modelIndex(model);
  const { cols, need, rowCols } = index;
  const s = new Partial(model, index, need, need.map(() => 1));
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
