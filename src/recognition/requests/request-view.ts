import type { OutcomeView } from '../evaluation/evaluation-view.js';
import { subjectKey, type ItemSubject } from './item-subjects.js';
import type { AppealRow, CreditRow, DecisionRow, ItemRow, RequestRow } from './requests.repository.js';

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export function decisionView(d: DecisionRow) {
  return {
    id: d.id, kind: d.kind, outcome: d.outcome, credits: d.credits, grants: json<unknown[]>(d.grants),
    ruleVersions: json<{ id: string; version: number }[]>(d.rule_versions), reviewer: d.reviewer, reason: d.reason,
    evidence: json<unknown[]>(d.evidence), decidedAt: d.decided_at.toISOString(), ledgerEntryId: Number(d.ledger_entry_id),
  };
}

export function creditView(c: CreditRow) {
  return {
    id: c.id, decisionId: c.decision_id, itemId: c.item_id, targetInstitutionId: c.target_institution_id, programmeId: c.programme_id,
    category: c.category, credits: c.credits, targetItemId: c.target_item_id, sourceAchievementIds: c.source_achievement_ids,
    sourceImportIds: c.source_import_ids, sourceTrustEntryIds: c.source_trust_entry_ids,
    rule: c.rule_id === null ? null : { id: c.rule_id, version: c.rule_version }, recognisedOn: c.recognised_on,
    status: c.revoked_at === null ? 'active' as const : 'revoked' as const,
    revokedAt: c.revoked_at === null ? null : c.revoked_at.toISOString(), revokedReason: c.revoked_reason,
  };
}

export function appealView(a: AppealRow) {
  return {
    id: a.id, appealedDecisionId: a.appealed_decision_id, reason: a.reason, evidence: json<unknown[]>(a.evidence),
    filedAt: a.filed_at.toISOString(), decisionId: a.decision_id,
  };
}

export function itemView(i: ItemRow, decisions: DecisionRow[], appeals: AppealRow[], credits: CreditRow[], subjects: Map<string, ItemSubject>) {
  const appeal = appeals.find((a) => a.item_id === i.id);
  return {
    id: i.id, achievementId: i.achievement_id, sourceKind: i.source_kind, subject: subjects.get(subjectKey(i.learner_id, i.achievement_id)) ?? null, status: i.status, evaluation: json<OutcomeView>(i.evaluation),
    decisions: decisions.filter((d) => d.item_id === i.id).map(decisionView),
    appeal: appeal ? appealView(appeal) : null,
    credits: credits.filter((c) => c.item_id === i.id).map(creditView),
  };
}

export function requestView(r: RequestRow, items: ItemRow[], decisions: DecisionRow[], appeals: AppealRow[], credits: CreditRow[], subjects: Map<string, ItemSubject>) {
  return {
    id: r.id, learnerId: r.learner_id, targetInstitutionId: r.target_institution_id, programmeId: r.programme_id,
    evaluatedOn: r.evaluated_on, note: r.note, createdAt: r.created_at.toISOString(),
    items: items.map((i) => itemView(i, decisions, appeals, credits, subjects)),
  };
}

export type RequestView = ReturnType<typeof requestView>;
