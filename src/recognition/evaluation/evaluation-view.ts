import type { Grant, Outcome } from '../engine/index.js';
import type { Evaluation } from './evaluator.js';

export interface GrantView { category: string; credits: string; targetItemId?: string }

/** One achievement's outcome as stored on a request item and shown by preview. */
export interface OutcomeView {
  achievementId: string;
  status: 'match' | 'maybe' | 'miss';
  ruleId?: string;
  ruleVersion?: number;
  credits?: string;
  grants?: GrantView[];
  waiver?: boolean;
  coSourceIds?: string[];
  reason?: string;
  reviewer?: { institutionId: string };
  explanation: string;
}

export interface EvaluationView {
  date: string;
  targetInstitutionId: string;
  programmeId: string | null;
  outcomes: OutcomeView[];
  totals: { total: string; byCategory: Record<string, string> };
  /** Achievements no published rule decides (none covers them, or a level only a person can compare): a reviewer would decide. */
  unevaluated: string[];
  capsRule: { id: string; version: number } | null;
  explanation: string[];
  notice: string;
}

export const grantView = (g: Grant): GrantView =>
  ({ category: g.category, credits: g.credits.toString(), ...(g.targetItemId !== undefined ? { targetItemId: g.targetItemId } : {}) });

export function outcomeView(o: Outcome): OutcomeView {
  switch (o.status) {
    case 'match':
      return {
        achievementId: o.achievementId, status: 'match', ruleId: o.ruleId, ruleVersion: o.ruleVersion, credits: o.credits.toString(),
        grants: o.grants.map(grantView), waiver: o.waiver, coSourceIds: o.coSourceIds, explanation: o.explanation,
      };
    case 'maybe':
      return {
        achievementId: o.achievementId, status: 'maybe', ...(o.reason !== undefined ? { reason: o.reason } : {}),
        ...(o.ruleId !== undefined ? { ruleId: o.ruleId, ruleVersion: o.ruleVersion } : {}),
        reviewer: { institutionId: o.reviewer.institutionId }, explanation: o.explanation,
      };
    case 'miss':
      return {
        achievementId: o.achievementId, status: 'miss', reason: o.reason,
        ...(o.ruleId !== undefined ? { ruleId: o.ruleId, ruleVersion: o.ruleVersion } : {}), explanation: o.explanation,
      };
  }
}

export function evaluationView(e: Evaluation, date: string, programmeId: string | null): EvaluationView {
  const r = e.result;
  const byCategory: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.totals.byCategory)) byCategory[k] = v.toString();
  return {
    date, targetInstitutionId: e.target.institutionId, programmeId,
    outcomes: r.outcomes.map(outcomeView),
    totals: { total: r.totals.total.toString(), byCategory },
    unevaluated: r.outcomes.filter((o) => o.status === 'maybe').map((o) => o.achievementId),
    capsRule: e.caps ? { id: e.caps.id, version: e.caps.version } : null,
    explanation: r.explanation,
    notice: 'A preview is not a decision: it applies the rules published today to the achievements as they stand; '
      + 'matches become credit only through a request, and unevaluated achievements go to the target\'s reviewers.',
  };
}
