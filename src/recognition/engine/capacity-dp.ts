import type { Model } from './model.js';

// Tie-break score after credits: grant lines, −achievements, −sum of candidate indices. Kept as
// three plain numbers (no arrays) because these loops run per reachable credit total.
export interface Option { units: number; s0: number; s1: number; s2: number; pick: number[] }

const beats = (a0: number, a1: number, a2: number, b0: number, b1: number, b2: number): boolean =>
  a0 !== b0 ? a0 > b0 : a1 !== b1 ? a1 > b1 : a2 > b2;

/**
 * The frontier of a component of one candidate, without building its model: it is feasible on
 * its own (candidates larger than a cap were set aside), so the options are "not taken" and "taken".
 */
export function singleFrontier(candidate: number, units: number, lines: number, size: number): Option[] {
  const none: Option = { units: 0, s0: 0, s1: 0, s2: 0, pick: [] };
  const taken: Option = { units, s0: lines, s1: 0 - size, s2: 0 - candidate, pick: [candidate] }; // 0 − x, never −0
  // Same order and per-total winner as frontier(): a 0-credit waiver competes with "not taken".
  if (units > 0) return [none, taken];
  return [beats(taken.s0, taken.s1, taken.s2, 0, 0, 0) ? taken : none];
}

/** For one small component: the best-scoring feasible subset for each credit total it can reach. */
export function frontier(m: Model): Option[] {
  const n = m.members.length;
  const best = new Map<number, Option>();
  const conflictUsed = new Uint8Array(m.conflicts.length);
  const capUsed = new Float64Array(m.caps.length);
  const conflictsOf = Array.from({ length: n }, () => [] as number[]);
  m.conflicts.forEach((set, r) => set.forEach((k) => conflictsOf[k]!.push(r)));
  const capsOf = Array.from({ length: n }, () => [] as number[]);
  m.caps.forEach((c, r) => c.positions.forEach((k) => capsOf[k]!.push(r)));
  const picked: number[] = [];
  const visit = (k: number, units: number, s0: number, s1: number, s2: number): void => {
    if (k === n) {
      const seen = best.get(units);
      // Allocate only on improvement: most leaves lose to a subset already seen.
      if (!seen || beats(s0, s1, s2, seen.s0, seen.s1, seen.s2)) best.set(units, { units, s0, s1, s2, pick: picked.map((p) => m.members[p]!) });
      return;
    }
    const u = m.units[k]!;
    const cs = conflictsOf[k]!;
    const ks = capsOf[k]!;
    if (cs.every((r) => conflictUsed[r] === 0) && ks.every((r) => capUsed[r]! + u <= m.caps[r]!.rhs)) {
      for (const r of cs) conflictUsed[r] = 1;
      for (const r of ks) capUsed[r]! += u;
      picked.push(k);
      visit(k + 1, units + u, s0 + m.lines[k]!, s1 - m.sizes[k]!, s2 - m.members[k]!);
      picked.pop();
      for (const r of ks) capUsed[r]! -= u;
      for (const r of cs) conflictUsed[r] = 0;
    }
    visit(k + 1, units, s0, s1, s2);
  };
  visit(0, 0, 0, 0, 0);
  return [...best.values()].sort((a, b) => a.units - b.units);
}

/**
 * Exact knapsack over independent components sharing one capacity (the programme or period
 * cap): dynamic programming over the credit total, keeping the best tie-break score per total.
 * Scores add across components and the order is lexicographic, so per-total optimality holds.
 * Layers are typed arrays indexed by total (no per-cell objects), with one back-pointer row per
 * component; this loop dominated evaluation time and garbage when it allocated cells.
 */
export function combineUnderCapacity(options: Option[][], capacity: number): number[] {
  const width = capacity + 1;
  // Two layers, swapped per component, so only the back-pointer rows are allocated per component.
  let reach = new Uint8Array(width), s0 = new Float64Array(width), s1 = new Float64Array(width), s2 = new Float64Array(width);
  let nReach = new Uint8Array(width), n0 = new Float64Array(width), n1 = new Float64Array(width), n2 = new Float64Array(width);
  reach[0] = 1;
  let top = 0; // highest reachable total so far
  const choice: Int32Array[] = []; // per component: option index taken to reach each total
  for (const opts of options) {
    nReach.fill(0);
    const back = new Int32Array(width).fill(-1);
    for (let t = 0; t <= top; t++) {
      if (reach[t] === 0) continue;
      for (let o = 0; o < opts.length; o++) {
        const opt = opts[o]!;
        const total = t + opt.units;
        if (total > capacity) break; // options are sorted by units
        const a0 = s0[t]! + opt.s0, a1 = s1[t]! + opt.s1, a2 = s2[t]! + opt.s2;
        if (nReach[total] === 0 || beats(a0, a1, a2, n0[total]!, n1[total]!, n2[total]!)) {
          nReach[total] = 1; n0[total] = a0; n1[total] = a1; n2[total] = a2; back[total] = o;
        }
      }
    }
    choice.push(back);
    [reach, s0, s1, s2, nReach, n0, n1, n2] = [nReach, n0, n1, n2, reach, s0, s1, s2];
    top = Math.min(capacity, top + (opts.length > 0 ? opts[opts.length - 1]!.units : 0));
  }
  let best = -1;
  for (let t = top; t >= 0; t--) if (reach[t] === 1) { best = t; break; }
  const out: number[] = [];
  for (let c = options.length - 1, t = best; c >= 0 && t >= 0; c--) {
    const opt = options[c]![choice[c]![t]!]!;
    out.push(...opt.pick);
    t -= opt.units;
  }
  return out;
}
