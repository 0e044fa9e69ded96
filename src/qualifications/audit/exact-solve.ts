import type { MilpSolver } from './highs-solver.js';
import type { LinearProgram, MilpModel } from './milp-model.js';
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

/** The model with some binaries fixed; undefined when the fixing already breaks a row. */
function restrict(model: LinearProgram, fixed: Map<number, number>): { sub: LinearProgram; free: number[] } | undefined {
  const free = [...Array(model.numCols).keys()].filter((k) => !fixed.has(k));
  const position = new Map(free.map((k, i) => [k, i]));
  const rows: LinearProgram['rows'] = [];
  for (const row of model.rows) {
    let upper = row.upper;
    const indices: number[] = [];
    const values: number[] = [];
    row.indices.forEach((col, t) => {
      const at = position.get(col);
      if (at === undefined) upper -= row.values[t]! * fixed.get(col)!;
      else { indices.push(at); values.push(row.values[t]!); }
    });
    if (indices.length > 0) rows.push({ indices, values, upper });
    else if (upper < -EPS) return undefined;
  }
  const pick = <T>(xs: T[]) => free.map((k) => xs[k]!);
  return { sub: { numCols: free.length, colCost: pick(model.colCost), colUpper: pick(model.colUpper), integrality: pick(model.integrality), rows }, free };
}

/**
 * Maximum-coverage assignment, proven optimal. The LP relaxation bounds coverage from above
 * and on these models is almost always tight, so we look for an integral solution that meets
 * the bound: the LP's own if integral, else a greedy repair of its whole part, else a search
 * that reopens only the columns around the repair's shortfall (exhaustive DFS one hop out,
 * then a MILP two hops out).
 * Meeting the bound proves optimality; failing all of these, the full MILP decides.
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
  const wider = shortfallNeighbourhood(model, repaired, 2);
  const fixed = new Map<number, number>();
  for (let k = 0; k < binaries; k++) if (!wider.has(k)) fixed.set(k, repaired[k]! > 0.5 ? 1 : 0);
  const improved = solveRestricted(solver, model, fixed);
  // With nothing fixed the restricted MILP was the full one, so its answer is already exact.
  if (improved && (reaches(improved) || fixed.size === 0)) return improved;
  const full = solver.mip(model);
  if (!full) throw new RangeError('audit model infeasible: an empty assignment is always feasible');
  return full.values;
}

/** Solves the model with some binaries fixed; the merged full-length solution, if feasible. */
function solveRestricted(solver: MilpSolver, model: MilpModel, fixed: Map<number, number>): Float64Array | undefined {
  const restricted = restrict(model, fixed);
  const partial = restricted && solver.mip(restricted.sub);
  if (!restricted || !partial) return undefined;
  const merged = new Float64Array(model.numCols);
  for (const [k, v] of fixed) merged[k] = v;
  restricted.free.forEach((k, i) => { merged[k] = partial.values[i]!; });
  return merged;
}
