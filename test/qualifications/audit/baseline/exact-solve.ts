// The engine's solver before the latency work (commit 944d8d8), kept so the probe can compare in one run.
import type { MilpSolver } from '../../../../src/qualifications/audit/highs-solver.js';
import type { MilpModel } from '../../../../src/qualifications/audit/milp-model.js';
import { searchNeighbourhood } from './neighbourhood-search.js';
import { repairTowardCoverage, shortfallNeighbourhood } from './repair.js';

const EPS = 1e-7;

/** Coverage of the x part of `values`, with each coverage column at its best (min of need and counted). */
export function coverageOf(model: MilpModel, values: Float64Array): number {
  const first = model.pairs.length;
  return model.coverageRows.reduce((sum, r, j) => {
    const row = model.rows[r]!;
    const counted = row.indices.reduce((s, col, t) => col < first ? s - row.values[t]! * Math.round(values[col]!) : s, 0);
    return sum + model.colCost[first + j]! * Math.min(model.colUpper[first + j]!, counted);
  }, 0);
}

/**
 * Maximum-coverage assignment, proven optimal. The LP relaxation bounds coverage from above
 * and on these models is almost always tight, so we look for an integral solution that meets
 * the bound: the LP's own if integral, else a greedy repair of its whole part, else a search
 * that reopens only the columns around the repair's shortfall (exhaustive DFS). Meeting the
 * bound proves optimality; failing all of these, the full MILP decides, started from the repair.
 */
export function solveCoverage(solver: MilpSolver, model: MilpModel): Float64Array {
  const binaries = model.pairs.length;
  const lp = solver.lp(model);
  const reaches = (values: Float64Array) => coverageOf(model, values) >= lp.objective - 0.5;
  const integral = lp.values.slice(0, binaries).every((v) => v < EPS || v > 1 - EPS);
  if (integral && reaches(lp.values)) return lp.values;
  const repaired = repairTowardCoverage(model, lp.values);
  if (reaches(repaired)) return repaired;
  const open = shortfallNeighbourhood(model, repaired);
  const searched = searchNeighbourhood(model, repaired, open, lp.objective);
  if (searched && reaches(searched)) return searched;
  // The MILP starts from the repair and may stop once it meets the LP bound.
  const full = solver.mip(model, { start: withCoverage(model, repaired), target: lp.objective - 0.5 });
  if (!full) throw new RangeError('audit model infeasible: an empty assignment is always feasible');
  return full.values;
}

/** The assignment with each coverage column set to what the binaries earn, so it is feasible. */
function withCoverage(model: MilpModel, values: Float64Array): Float64Array {
  const first = model.pairs.length;
  const out = Float64Array.from(values, (v, k) => (k < first ? Math.round(v) : 0));
  model.coverageRows.forEach((r, j) => {
    const row = model.rows[r]!;
    const counted = row.indices.reduce((s, col, t) => col < first ? s - row.values[t]! * out[col]! : s, 0);
    out[first + j] = Math.min(model.colUpper[first + j]!, counted);
  });
  return out;
}
