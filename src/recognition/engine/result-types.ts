import type { Decimal } from 'decimal.js';
import type { ReviewerRef, Rule } from './types.js';

export type MissReason =
  | 'grade_too_low' | 'grade_not_comparable' | 'too_old' | 'level_too_low'
  | 'prerequisite_missing' | 'incomplete_set' | 'cap_reached' | 'not_effective'
  | 'revoked' | 'below_minimum' | 'already_recognised' | 'already_satisfied' | 'used_elsewhere'
  // The target's own learning that no rule maps: it counts there directly, not through recognition.
  | 'own_institution';

/**
 * Why a rule may apply but only a person can tell: the source's level cannot be compared with the
 * level the rule requires (no level recorded, or another framework with no published mapping), or
 * the rule needs the source's credits and the source does not state them in a known credit system.
 * Never a match and never a miss: the achievement goes to the target's reviewers.
 */
export type ReviewReason = 'level_not_comparable' | 'credits_not_stated';

export type FailureReason = MissReason | ReviewReason;

export const needsReview = <T extends { reason: FailureReason }>(f: T): f is T & { reason: ReviewReason } =>
  f.reason === 'level_not_comparable' || f.reason === 'credits_not_stated';

/** One grant line of a chosen candidate: credits of a category, maybe for a named target item. */
export interface Grant { category: string; credits: Decimal; targetItemId?: string }

/** A way one rule could recognise a set of achievements (the unit the optimiser chooses). */
export interface Candidate {
  key: string; // canonical: rule id, version, direction, achievement ids
  rule: Rule;
  reverse: boolean; // a bidirectional equivalency read targets → sources
  achievementIds: string[]; // sorted
  sourceInstitutionIds: string[]; // sorted, distinct
  grants: Grant[];
  credits: Decimal; // sum of grants
  waiver: boolean;
  explanation: string;
}

export interface MatchOutcome {
  status: 'match';
  achievementId: string;
  ruleId: string;
  ruleVersion: number;
  reverse: boolean;
  grants: Grant[]; // the whole candidate's grants (shared by every source of a many:1 rule)
  credits: Decimal;
  waiver: boolean;
  coSourceIds: string[]; // other achievements consumed together with this one
  explanation: string;
}

export interface MaybeOutcome {
  status: 'maybe';
  achievementId: string;
  reviewer: ReviewerRef;
  /** Absent: no published rule covers the achievement. Present: the rule a reviewer must settle. */
  reason?: ReviewReason;
  ruleId?: string;
  ruleVersion?: number;
  explanation: string;
}

export interface MissOutcome {
  status: 'miss';
  achievementId: string;
  reason: MissReason;
  ruleId?: string;
  ruleVersion?: number;
  explanation: string;
}

export type Outcome = MatchOutcome | MaybeOutcome | MissOutcome;

export interface EvaluationResult {
  outcomes: Outcome[]; // one per input achievement, sorted by achievement id
  totals: { total: Decimal; byCategory: Record<string, Decimal> };
  chosen: Candidate[];
  /**
   * Why this combination: method, the objective order, and why each other candidate lost (all of
   * them, or only the strongest few when the input asks for a summary: see `EvaluationInput.explain`).
   */
  explanation: string[];
}
