import type { MilpModel } from './milp-model.js';

/**
 * Column-wise view of a model's rows, built once per model (repair, restarts and search share it),
 * in flat arrays: binary column k's limit entries are limitStart[k] up to limitStart[k + 1] (row
 * and amount), its coverage entries coverStart[k] up to coverStart[k + 1] (minimum and amount).
 */
export interface ModelIndex {
  /** Number of binary columns. */
  n: number;
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
  constructor(readonly model: MilpModel, readonly index: ModelIndex, readonly need: number[], readonly weight: number[]) {
    this.x = new Uint8Array(index.n);
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
  /** Whether column k feeds a minimum that is still short. */
  feedsShort(k: number): boolean {
    const { coverStart, coverMin } = this.index;
    for (let t = coverStart[k]!; t < coverStart[k + 1]!; t++) if (this.counted[coverMin[t]!]! < this.need[coverMin[t]!]!) return true;
    return false;
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
  const coverageOf = new Int32Array(model.rows.length).fill(-1);
  model.coverageRows.forEach((r, j) => { coverageOf[r] = j; });
  // Two passes over the rows: count each column's entries, then place them.
  const limitStart = new Int32Array(n + 1);
  const coverStart = new Int32Array(n + 1);
  model.rows.forEach((row, r) => {
    const counts = coverageOf[r]! < 0 ? limitStart : coverStart;
    for (const col of row.indices) if (col < n) counts[col + 1]!++;
  });
  for (let k = 0; k < n; k++) { limitStart[k + 1]! += limitStart[k]!; coverStart[k + 1]! += coverStart[k]!; }
  const limitRow = new Int32Array(limitStart[n]!);
  const limitValue = new Float64Array(limitStart[n]!);
  const coverMin = new Int32Array(coverStart[n]!);
  const coverValue = new Float64Array(coverStart[n]!);
  const nextLimit = limitStart.slice(0, n);
  const nextCover = coverStart.slice(0, n);
  const rowCols = model.rows.map(() => [] as number[]);
  const rowValues = model.rows.map(() => [] as number[]);
  const coverCols = model.coverageRows.map(() => [] as number[]);
  model.rows.forEach((row, r) => {
    const j = coverageOf[r]!;
    row.indices.forEach((col, t) => {
      if (col >= n) return;
      if (j < 0) {
        const at = nextLimit[col]!++;
        limitRow[at] = r;
        limitValue[at] = row.values[t]!;
      } else {
        const at = nextCover[col]!++;
        coverMin[at] = j;
        coverValue[at] = -row.values[t]!;
      }
    });
  });
  // Per-row and per-minimum lists in column order (the order the search has always used).
  for (let k = 0; k < n; k++) {
    for (let t = limitStart[k]!; t < limitStart[k + 1]!; t++) { rowCols[limitRow[t]!]!.push(k); rowValues[limitRow[t]!]!.push(limitValue[t]!); }
    for (let t = coverStart[k]!; t < coverStart[k + 1]!; t++) coverCols[coverMin[t]!]!.push(k);
  }
  const need = model.coverageRows.map((_, j) => model.colUpper[n + j]!);
  const weight = model.coverageRows.map((_, j) => model.colCost[n + j]!);
  const itemOf = Int32Array.from(model.pairs, ([item]) => item);
  const maxGain = new Float64Array(n);
  for (let k = 0; k < n; k++) for (let t = coverStart[k]!; t < coverStart[k + 1]!; t++) maxGain[k]! += weight[coverMin[t]!]! * coverValue[t]!;
  const index: ModelIndex = {
    n, need, weight, coverCols, rowCols, rowValues, itemOf, items: itemOf.reduce((m, i) => Math.max(m, i + 1), 0),
    limitStart, limitRow, limitValue, coverStart, coverMin, coverValue,
    rowUpper: Float64Array.from(model.rows, (r) => r.upper), maxGain,
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
  // The placed columns of a row (in column order) with their amounts, listed once per pass.
  const placed = new Map<number, { cols: number[]; amounts: number[] }>();
  const placedIn = (r: number) => {
    let list = placed.get(r);
    if (!list) {
      list = { cols: [], amounts: [] };
      const all = rowCols[r]!;
      for (let i = 0; i < all.length; i++) if (s.x[all[i]!] === 1) { list.cols.push(all[i]!); list.amounts.push(rowValues[r]![i]!); }
      placed.set(r, list);
    }
    return list;
  };
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
    const { cols: options, amounts } = placedIn(excess.rows[0]!);
    for (let i = 0; i < options.length; i++) {
      const q = options[i]!;
      // k never adds more than maxGain, so a column that loses as much is not worth swapping out.
      if (loss(q) >= maxGain[k]! || amounts[i]! < excess.amounts[0]! - 1e-9 || !frees(s, q, excess, 1)) continue;
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
  const index = modelIndex(model);
  const { n, need, rowCols, itemOf, limitStart, limitRow } = index;
  const s = new Partial(model, index, need, need.map(() => 1));
  for (let k = 0; k < n; k++) if (x[k]! > 0.5) s.toggle(k, true);
  const open = new Set<number>();
  const blocked: number[] = [];
  for (let k = 0; k < n; k++) {
    if (!s.feedsShort(k)) continue;
    open.add(k);
    blocked.length = 0;
    for (let t = limitStart[k]!; t < limitStart[k + 1]!; t++) {
      const r = limitRow[t]!;
      if (s.usage[r]! + index.limitValue[t]! > index.rowUpper[r]! + 1e-9) blocked.push(r);
    }
    for (const r of blocked) for (const q of rowCols[r]!) if (s.x[q] === 1) open.add(q);
    // The column's own item may be placed elsewhere; reopening that placement lets it move.
    for (let t = limitStart[k]!; t < limitStart[k + 1]!; t++) for (const q of rowCols[limitRow[t]!]!) if (s.x[q] === 1 && itemOf[q] === itemOf[k]) open.add(q);
  }
  return open;
}
