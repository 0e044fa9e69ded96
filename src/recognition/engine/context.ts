import type { Decimal } from 'decimal.js';
import type { CreditSystem } from '../../frameworks/credit-arithmetic.js';
import type { GradeConversionTable, GradingScheme } from '../../frameworks/grading.js';
import type { FailureReason } from './result-types.js';
import type { EngineAchievement, EvaluationInput, FrameworkLevel } from './types.js';

/** Look-up tables built once per evaluation from the input. */
export interface EvalContext {
  input: EvaluationInput;
  date: string;
  schemes: Map<string, GradingScheme>;
  conversions: GradeConversionTable[];
  creditSystems: Map<string, CreditSystem>;
  heldItems: Set<string>; // catalogue items of the learner's live achievements (and `input.held`)
  heldAchievements: Set<string>;
  referenceLevel: (level: FrameworkLevel, toFrameworkId: string, toVersion?: string) => number | undefined;
  /** Per-evaluation memo of condition checks: condition object → achievement → answer (see `once` in conditions.ts). */
  checks: Map<object, Map<EngineAchievement, { reason: FailureReason; text: string } | null>>;
  /** Per-evaluation memo of credit conversions by (system, credits, hours, rounding step). */
  convertedCredits: Map<string, Decimal | { reason: FailureReason; text: string }>;
}

const live = (a: EngineAchievement): boolean => !a.revoked;

export function buildContext(input: EvaluationInput): EvalContext {
  const alive = input.achievements.filter(live);
  const heldItems = new Set(alive.flatMap((a) => (a.catalogueItemId === null ? [] : [a.catalogueItemId])));
  const heldAchievements = new Set(alive.map((a) => a.id));
  // Built once per evaluation (not per rule): the rest of the record counts for prerequisites too.
  if (input.held) {
    for (const id of input.held.itemIds) heldItems.add(id);
    for (const id of input.held.achievementIds) heldAchievements.add(id);
  }
  return {
    input,
    date: input.date,
    schemes: new Map(input.gradingSchemes.map((s) => [s.id, s])),
    conversions: input.gradeConversions,
    creditSystems: new Map(input.creditSystems.map((c) => [c.id, c])),
    heldItems,
    heldAchievements,
    referenceLevel: input.referenceLevel ?? (() => undefined),
    checks: new Map(),
    convertedCredits: new Map(),
  };
}
