import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import type { Actor } from '../../auth/principal.js';
import type { Executor } from '../../db/database.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import type { GrantView } from '../evaluation/evaluation-view.js';
import { CREDIT_RESOURCE, DECISION_RESOURCE, creditGrantBody, decisionBody, type CreditFields } from './ledger-bodies.js';
import * as repo from './requests.repository.js';

export interface DecisionDraft {
  learnerId: string;
  requestId: string;
  itemId: string;
  targetInstitutionId: string;
  programmeId: string | null;
  kind: 'automatic' | 'review' | 'appeal' | 're-evaluation';
  outcome: 'approve' | 'partial' | 'reject';
  /** What this decision grants now (an appeal or re-evaluation grants only what is new). */
  grants: GrantView[];
  ruleVersions: { id: string; version: number }[];
  reviewer: string;
  reason: string;
  evidence: unknown[];
  /** What the grant rests on: deposited achievements, credential imports, and the bank institutions among their sources. */
  sources: { achievementIds: string[]; institutionIds: string[]; importIds?: string[]; trustEntryIds?: string[] };
  recognisedOn: string;
}

/**
 * Writes one decision and the credit it grants, each with its ledger entry, inside the caller's
 * transaction: the decision, the credit and their log entries commit together or not at all.
 */
export async function writeDecision(trx: Executor, ledger: LedgerWriter, actor: Actor | string, d: DecisionDraft, at: Date): Promise<{ decisionId: string; creditIds: string[] }> {
  const decisionId = randomUUID();
  const total = d.grants.reduce((s, g) => s.plus(g.credits), new Decimal(0));
  const fields = {
    id: decisionId, item_id: d.itemId, request_id: d.requestId, kind: d.kind, outcome: d.outcome, credits: total.toFixed(2),
    grants: d.grants, rule_versions: d.ruleVersions, reviewer: d.reviewer, reason: d.reason, evidence: d.evidence, decided_at: at,
  };
  const entry = await ledger.append(trx, {
    eventType: 'recognition.decided', actor, learnerId: d.learnerId, resourceType: DECISION_RESOURCE, resourceId: decisionId,
    body: decisionBody(fields), at,
  });
  await repo.insertDecision(trx, {
    ...fields, learner_id: d.learnerId, grants: JSON.stringify(d.grants), rule_versions: JSON.stringify(d.ruleVersions),
    evidence: JSON.stringify(d.evidence), ledger_entry_id: entry.id,
  });
  const creditIds: string[] = [];
  const rule = d.ruleVersions[0];
  for (const g of d.grants) {
    const credit: CreditFields = {
      id: randomUUID(), decision_id: decisionId, item_id: d.itemId, target_institution_id: d.targetInstitutionId, programme_id: d.programmeId,
      category: g.category, credits: new Decimal(g.credits).toFixed(2), target_item_id: g.targetItemId ?? null,
      source_achievement_ids: d.sources.achievementIds, source_institution_ids: d.sources.institutionIds,
      ...(d.sources.importIds?.length ? { source_import_ids: d.sources.importIds } : {}),
      ...(d.sources.trustEntryIds?.length ? { source_trust_entry_ids: d.sources.trustEntryIds } : {}),
      rule_id: rule?.id ?? null, rule_version: rule?.version ?? null, recognised_on: d.recognisedOn,
    };
    const e = await ledger.append(trx, {
      eventType: 'recognition.credit-granted', actor, learnerId: d.learnerId, resourceType: CREDIT_RESOURCE, resourceId: credit.id,
      body: creditGrantBody(credit), at,
    });
    await repo.insertCredits(trx, [{ ...credit, learner_id: d.learnerId, granted_entry_id: e.id }]);
    creditIds.push(credit.id);
  }
  if (typeof actor !== 'string') {
    await recordWrite(trx, actor, {
      action: `recognition.decide.${d.kind}`, resourceType: DECISION_RESOURCE, resourceId: decisionId,
      institutionId: d.targetInstitutionId, learnerId: d.learnerId, detail: { item: d.itemId, outcome: d.outcome, credits: total.toFixed(2) },
    }, at);
  }
  return { decisionId, creditIds };
}

export interface NoticeDraft { learnerId: string; institutionId: string; kind: string; subjectId: string; message: string; detail: unknown }

/** One notice, listed by both the learner and the institution. */
export async function notify(trx: Executor, n: NoticeDraft, at: Date): Promise<void> {
  await repo.insertNotices(trx, [{
    learner_id: n.learnerId, id: randomUUID(), institution_id: n.institutionId, kind: n.kind, subject_id: n.subjectId,
    message: n.message, detail: JSON.stringify(n.detail), created_at: at,
  }]);
}
