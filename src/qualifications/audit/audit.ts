import { Decimal } from 'decimal.js';
import type { AuditResult } from './audit-result.js';
import { loadHighsSolver, type MilpSolver } from './highs-solver.js';
import { solveCoverage } from './exact-solve.js';
import { extendPlacement } from './extend.js';
import { buildMilp, type MilpModel } from './milp-model.js';
import { prepare } from './prepare.js';
import type { AuditItem, AuditOptions, Programme } from './programme.js';
import { assignmentsOf, capStatuses, placementFrom, requirementStatuses, verifyPlacement } from './report.js';
import { suggestionsFor } from './suggestions.js';
import { unusedItems } from './unused-reasons.js';

export interface AuditEngine {
  /**
   * Assigns items to requirements as close to completion as possible: maximum coverage of all
   * minimums (exact; see buildMilp), then extended until no further item fits (see extendPlacement).
   */
  audit(programme: Programme, items: AuditItem[], options: AuditOptions): AuditResult;
  /** The audit with `extraItems` added; they are marked hypothetical in the result. */
  whatIf(programme: Programme, items: AuditItem[], extraItems: AuditItem[], options: AuditOptions): AuditResult;
}

/** How the exact coverage optimum is found; replaceable so a probe can compare strategies. */
export type CoverageSolve = (solver: MilpSolver, model: MilpModel) => Float64Array;

/** Runs one audit with a given MILP solver (pure apart from the solver's own computation). */
export function auditWith(solver: MilpSolver, programme: Programme, items: AuditItem[], options: AuditOptions,
  hypothetical: Set<string> = new Set(), solve: CoverageSolve = solveCoverage): AuditResult {
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new RangeError(`item id ${item.id} appears twice`);
    ids.add(item.id);
  }
  const prepared = prepare(programme, items, options, hypothetical);
  const model = buildMilp(prepared);
  const placement = extendPlacement(prepared, placementFrom(model.pairs, solve(solver, model)));
  verifyPlacement(prepared, placement);
  const requirements = requirementStatuses(programme, prepared, placement);
  return {
    programmeId: programme.id, programmeVersion: programme.version, asOf: options.asOf,
    complete: requirements.every((r) => r.status === 'satisfied' || r.status === 'waived'),
    totalCounted: [...placement.keys()].reduce((s, i) => s.plus(prepared.items[i]!.item.credits), new Decimal(0)),
    requirements,
    caps: capStatuses(programme, prepared, placement),
    assignments: assignmentsOf(prepared, placement),
    unused: unusedItems(prepared, placement),
    suggestions: suggestionsFor(programme, prepared, placement, requirements, options.candidates ?? [], options.maxSuggestions ?? 5),
    hypotheticalItemIds: [...hypothetical],
  };
}

/** An engine bound to one solver instance; build it once (e.g. in the app context) and reuse it. */
export function createAuditEngine(solver: MilpSolver): AuditEngine {
  return {
    audit: (programme, items, options) => auditWith(solver, programme, items, options),
    whatIf: (programme, items, extraItems, options) =>
      auditWith(solver, programme, [...items, ...extraItems], options, new Set(extraItems.map((i) => i.id))),
  };
}

/** Loads HiGHS once and returns an engine that reuses it. */
export async function loadAuditEngine(): Promise<AuditEngine> {
  return createAuditEngine(await loadHighsSolver());
}
