import loadHighsModule from 'highs';

/** A loaded MILP solver. Load once per process (WASM start-up is slow) and pass it to `evaluate`. */
export interface Solver {
  /** Solves a CPLEX-LP-format model; returns the value of every column by name. */
  solve(lp: string): { objective: number; values: Record<string, number> };
}

type Loader = (typeof loadHighsModule)['default'];

// The package ships CommonJS typings, so under NodeNext the default import is typed as the
// module object while the ESM build hands over the loader function itself.
function highsLoader(): Loader {
  const mod = loadHighsModule as unknown as Loader | { default: Loader };
  return typeof mod === 'function' ? mod : mod.default;
}

/** Loads HiGHS (WebAssembly) and wraps it; the instance is stateless between solves. */
export async function loadSolver(): Promise<Solver> {
  const highs = await highsLoader()();
  return {
    solve(lp) {
      // Objectives are integers, so an absolute gap below 1 proves optimality; the relative
      // default (1e-4) would accept a worse combination on large objectives.
      const r = highs.solve(lp, { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0.5 });
      if (r.Status !== 'Optimal') throw new Error(`recognition optimiser: solver status ${r.Status}`);
      const values: Record<string, number> = {};
      for (const [name, col] of Object.entries(r.Columns)) values[name] = (col as { Primal: number }).Primal;
      return { objective: r.ObjectiveValue, values };
    },
  };
}
