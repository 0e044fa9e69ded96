import type { Option } from './capacity-dp.js';
import type { Model } from './model.js';

/**
 * A constraint of the component as "Σ weight ≤ limit over these positions": a conflict set is one
 * with weight 1 and limit 1, a cap one with the candidates' units and what is left of the cap.
 */
interface Row { positions: number[]; cap: boolean; limit: number }

// The picks of one state as a shared chain: a state that skips a candidate keeps its parent's.
interface Picks { k: number; prev: Picks | null }

/** How one step of the sweep maps the rows open before candidate k to the rows open after it. */
interface Step {
  k: number;
  from: Int32Array; // per row open after: its slot before, or −1 when k opens it
  add: Int32Array; // per row open after: what taking k adds to it
  floor: Int32Array; // per row open after: usage below this leaves room for every later member, so it is stored as this
  radix: number[];
  checks: { slot: number; weight: number; limit: number }[]; // every row of k, for taking it
}

function rowsOf(m: Model, capacity: number): Row[] {
  // A cap no tighter than the capacity never binds at a total the frontier keeps.
  return [...m.conflicts.map((positions) => ({ positions, cap: false, limit: 1 })),
    ...m.caps.filter((c) => c.rhs < capacity).map((c) => ({ positions: c.positions, cap: true, limit: c.rhs }))];
}

/**
 * An order that keeps few rows open at once (opened by an earlier candidate, not yet closed by
 * its last one): next is the candidate that closes the most, then opens the fewest, then the
 * lowest position. The order never changes the answer (scores add up in any order).
 */
function sweepOrder(n: number, rows: Row[], byPosition: number[][]): number[] {
  const left = rows.map((row) => row.positions.length); // members not yet placed
  const done = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  for (let s = 0; s < n; s++) {
    let best = -1, bestGain = -Infinity;
    for (let k = 0; k < n; k++) {
      if (done[k]) continue;
      let gain = 0;
      for (const r of byPosition[k]!) gain += left[r] === 1 ? rows[r]!.positions.length : left[r] === rows[r]!.positions.length ? -1 : 0;
      if (gain > bestGain) { best = k; bestGain = gain; }
    }
    done[best] = true;
    order.push(best);
    for (const r of byPosition[best]!) left[r]!--;
  }
  return order;
}

function stepsOf(m: Model, rows: Row[], capacity: number): Step[] {
  const n = m.members.length;
  const byPosition = Array.from({ length: n }, () => [] as number[]);
  rows.forEach((row, r) => row.positions.forEach((k) => byPosition[k]!.push(r)));
  const weight = (r: number, k: number): number => (rows[r]!.cap ? m.units[k]! : 1);
  const ahead = rows.map((row, r) => row.positions.reduce((s, k) => s + weight(r, k), 0)); // weight not yet swept
  const left = rows.map((row) => row.positions.length);
  let open: number[] = [];
  return sweepOrder(n, rows, byPosition).map((k): Step => {
    const slot = new Map(open.map((r, i) => [r, i]));
    const mine = byPosition[k]!;
    for (const r of mine) { left[r]!--; ahead[r]! -= weight(r, k); }
    const next = [...open.filter((r) => left[r]! > 0), ...mine.filter((r) => left[r]! > 0 && !slot.has(r))];
    const step = {
      k, from: Int32Array.from(next, (r) => slot.get(r) ?? -1), add: Int32Array.from(next, (r) => (mine.includes(r) ? weight(r, k) : 0)),
      floor: Int32Array.from(next, (r) => Math.max(0, rows[r]!.limit - ahead[r]!)),
      // A cap's usage is credit, so it never passes the capacity; a conflict set's is a count of
      // candidates (0-credit waivers among them), whatever the capacity.
      radix: next.map((r) => (rows[r]!.cap ? Math.min(rows[r]!.limit, capacity) : rows[r]!.limit) + 1),
      checks: mine.map((r) => ({ slot: slot.get(r) ?? -1, weight: weight(r, k), limit: rows[r]!.limit })),
    };
    open = next;
    return step;
  });
}

const beats = (a0: number, a1: number, a2: number, b0: number, b1: number, b2: number): boolean =>
  a0 !== b0 ? a0 > b0 : a1 !== b1 ? a1 > b1 : a2 > b2;

/** The states after one step: per (usage of each open row, credit total), the best score and its picks. */
class Layer {
  readonly at = new Map<number, number>();
  readonly used: number[] = [];
  readonly total: number[] = [];
  readonly s0: number[] = []; readonly s1: number[] = []; readonly s2: number[] = [];
  readonly picks: (Picks | null)[] = [];
  constructor(readonly width: number) {}

  offer(key: number, vals: Int32Array, total: number, s0: number, s1: number, s2: number, picks: Picks | null, k: number): void {
    let i = this.at.get(key);
    if (i === undefined) {
      this.at.set(key, (i = this.total.length));
      this.total.push(total); this.s0.push(0); this.s1.push(0); this.s2.push(0); this.picks.push(null);
    } else if (!beats(s0, s1, s2, this.s0[i]!, this.s1[i]!, this.s2[i]!)) return;
    for (let j = 0; j < this.width; j++) this.used[i * this.width + j] = vals[j]!;
    this.s0[i] = s0; this.s1[i] = s1; this.s2[i] = s2;
    this.picks[i] = k < 0 ? picks : { k, prev: picks }; // allocated only for a state kept
  }
}

/**
 * The frontier of one component (the best-scoring feasible subset for each credit total, as
 * `frontier` finds by enumeration) up to `capacity`, by dynamic programming over its candidates
 * in sweep order: a state is the credit total plus the usage of each conflict set or cap that is
 * open at that point, and of the subsets reaching one state only the best scoring is kept (scores
 * add, so the others can never win). Exact for any component; the cost is the number of states,
 * small when few rows are open at once. Undefined once more than `budget` states (all steps
 * together) would be kept, or when a state would not fit one number.
 */
export function frontierBySweep(m: Model, capacity: number, budget: number): Option[] | undefined {
  let layer = new Layer(0);
  layer.offer(0, new Int32Array(0), 0, 0, 0, 0, null, -1);
  let spent = 1;
  for (const step of stepsOf(m, rowsOf(m, capacity), capacity)) {
    if (step.radix.reduce((x, y) => x * y, capacity + 1) > Number.MAX_SAFE_INTEGER) return undefined;
    const next = new Layer(step.from.length);
    const vals = new Int32Array(step.from.length);
    for (let i = 0; i < layer.total.length; i++) {
      advance(m, step, layer, i, next, capacity, vals);
      if (spent + next.total.length > budget) return undefined;
    }
    spent += next.total.length;
    layer = next;
  }
  return layer.total.map((units, i): Option => {
    const pick: number[] = [];
    for (let p: Picks | null = layer.picks[i]!; p !== null; p = p.prev) pick.push(m.members[p.k]!);
    return { units, s0: layer.s0[i]!, s1: layer.s1[i]!, s2: layer.s2[i]!, pick: pick.sort((a, b) => a - b) };
  }).sort((a, b) => a.units - b.units);
}

const keyOf = (vals: Int32Array, radix: number[], total: number): number => {
  let key = total;
  for (let j = 0; j < vals.length; j++) key = key * radix[j]! + vals[j]!;
  return key;
};

// State i of `from` skips candidate k, and takes it when its rows and the capacity allow. `vals`
// is scratch for the new state's row usage (the layer copies what it keeps).
function advance(m: Model, step: Step, from: Layer, i: number, to: Layer, capacity: number, vals: Int32Array): void {
  const { k, add, floor, radix } = step;
  const base = i * from.width, used = from.used;
  const total = from.total[i]!, s0 = from.s0[i]!, s1 = from.s1[i]!, s2 = from.s2[i]!, picks = from.picks[i]!;
  for (let j = 0; j < vals.length; j++) { const f = step.from[j]!; vals[j] = Math.max(f < 0 ? 0 : used[base + f]!, floor[j]!); }
  to.offer(keyOf(vals, radix, total), vals, total, s0, s1, s2, picks, -1);
  const u = m.units[k]!;
  if (total + u > capacity) return;
  for (const c of step.checks) if ((c.slot < 0 ? 0 : used[base + c.slot]!) + c.weight > c.limit) return;
  for (let j = 0; j < vals.length; j++) { const f = step.from[j]!; vals[j] = Math.max((f < 0 ? 0 : used[base + f]!) + add[j]!, floor[j]!); }
  to.offer(keyOf(vals, radix, total + u), vals, total + u, s0 + m.lines[k]!, s1 - m.sizes[k]!, s2 - m.members[k]!, picks, k);
}
