import type { MilpModel } from './milp-model.js';

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

/**
 * The step every integral coverage value is a multiple of. At an integral point each coverage
 * column equals min(need, Σ a·x) with integer a and need, so coverage is Σ weight·(an integer
 * combination of the a's and the need) and the gcd of weight·a and weight·need divides it.
 */
export function coverageStep(model: MilpModel): number {
  const first = model.pairs.length;
  let g = 0;
  model.coverageRows.forEach((r, j) => {
    const weight = model.colCost[first + j]!;
    g = gcd(g, weight * model.colUpper[first + j]!);
    const row = model.rows[r]!;
    row.indices.forEach((col, t) => { if (col < first) g = gcd(g, weight * row.values[t]!); });
  });
  return g === 0 ? 1 : g;
}

/**
 * The best coverage an integral assignment could have: the LP bound rounded down to the step.
 * The 1e-6 absorbs simplex round-off on values that are whole in exact arithmetic.
 */
export function integralBound(model: MilpModel, lpObjective: number): number {
  const step = coverageStep(model);
  return step * Math.floor((lpObjective + 1e-6) / step);
}

/** Coverage of the x part of `values`, with each coverage column at its best (min of need and counted). */
export function coverageOf(model: MilpModel, values: Float64Array): number {
  const first = model.pairs.length;
  return model.coverageRows.reduce((sum, r, j) => {
    const row = model.rows[r]!;
    const counted = row.indices.reduce((s, col, t) => col < first ? s - row.values[t]! * Math.round(values[col]!) : s, 0);
    return sum + model.colCost[first + j]! * Math.min(model.colUpper[first + j]!, counted);
  }, 0);
}
