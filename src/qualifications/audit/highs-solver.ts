import loadHighsModule, { type Highs } from 'highs';
import type { MilpModel } from './milp-model.js';

/** Solves a maximisation MILP and returns the column values. */
export type MilpSolver = (model: MilpModel) => Float64Array;

export class AuditSolverError extends Error {
  readonly code = 'AUDIT_SOLVER_FAILED';
}

/** Loads the HiGHS WebAssembly runtime once; the returned solver reuses it for every audit. */
export async function loadHighsSolver(): Promise<MilpSolver> {
  const highs = await highsLoader()();
  return (model) => solveWith(highs, model);
}

type Loader = (typeof loadHighsModule)['default'];

// The package ships CommonJS typings, so under NodeNext the default import is typed as the
// module object while the ESM build hands over the loader function itself.
function highsLoader(): Loader {
  const mod = loadHighsModule as unknown as Loader | { default: Loader };
  return typeof mod === 'function' ? mod : mod.default;
}

function toCsr(model: MilpModel) {
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of model.rows) {
    indices.push(...row.indices);
    values.push(...row.values);
    starts.push(indices.length);
  }
  return { format: 'csr' as const, numRows: model.rows.length, numCols: model.numCols, starts, indices, values };
}

function solveWith(highs: Highs, model: MilpModel): Float64Array {
  if (model.numCols === 0) return new Float64Array(0);
  const data = {
    numCols: model.numCols, numRows: model.rows.length,
    sense: highs.constants.objectiveSense.maximize,
    colCost: model.colCost, colLower: model.colCost.map(() => 0), colUpper: model.colUpper,
    rowLower: model.rows.map(() => -highs.infinity), rowUpper: model.rows.map((r) => r.upper),
    matrix: toCsr(model), integrality: model.integrality.map((v) => v as 0 | 1),
  };
  return highs.withModel(data, (m) => {
    // Every objective coefficient is an integer, so a gap below 1 proves optimality; 0.5 leaves
    // room for floating-point noise while still pinning the exact optimum (see buildMilp).
    m.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0.5, time_limit: 20 });
    m.run();
    const status = m.getModelStatus();
    if (status !== highs.constants.modelStatus.optimal) {
      throw new AuditSolverError(`HiGHS ended with model status ${status}`);
    }
    return Float64Array.from(m.getSolution().colValue);
  });
}
