import { coverageOf } from './coverage-bound.js';
import type { MilpModel } from './milp-model.js';
import { repairTowardCoverage } from './repair.js';

/** Deterministic PRNG (mulberry32): the same record always gets the same assignment. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Incumbent { values: Float64Array; coverage: number }

/**
 * Iterated repair: drop a random share of the best assignment's placements and repair again,
 * keeping the result when coverage does not fall. A heuristic only; the caller proves any
 * result by the LP bound. Measured on the 300-item probe: it reaches the bound in most cases
 * where one repair stops short, at ~1–3 ms a try, where a HiGHS MILP takes 50–1,500 ms.
 */
export function perturbAndRepair(model: MilpModel, from: Incumbent, bound: number, tries = 25, dropShare = 0.15): Incumbent {
  const n = model.pairs.length;
  const rnd = random(0x5eed + n);
  let best = from;
  for (let t = 0; t < tries && best.coverage < bound; t++) {
    const start = Float64Array.from(best.values, (v, k) => (k < n && v > 0.5 && rnd() >= dropShare ? 1 : 0));
    const values = repairTowardCoverage(model, start);
    const coverage = coverageOf(model, values);
    if (coverage >= best.coverage) best = { values, coverage };
  }
  return best;
}
