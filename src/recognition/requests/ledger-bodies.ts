import { Decimal } from 'decimal.js';
import type { Executor } from '../../db/database.js';
import type { BodyRebuilder, EntryRef } from '../../ledger/body-registry.js';
import { CREDIT, DECISION } from './requests.repository.js';

export const DECISION_RESOURCE = 'recognition_decision';
export const CREDIT_RESOURCE = 'recognised_credit';

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const money = (v: string): string => new Decimal(v).toFixed(2);
const iso = (v: Date | string): string => new Date(v).toISOString();

/** The fields of a decision row the ledger body is built from (JSON fields parsed or not). */
export interface DecisionFields {
  id: string; item_id: string; request_id: string; kind: string; outcome: string; credits: string; grants: unknown;
  rule_versions: unknown; reviewer: string; reason: string; evidence: unknown; decided_at: Date | string;
}

/** Body of a 'recognition.decided' entry: the same function at write time and at audit time. */
export function decisionBody(r: DecisionFields): unknown {
  return {
    decision: r.id, request: r.request_id, item: r.item_id, kind: r.kind, outcome: r.outcome, credits: money(r.credits),
    grants: json(r.grants), ruleVersions: json(r.rule_versions), reviewer: r.reviewer, reason: r.reason,
    evidence: json(r.evidence), decidedAt: iso(r.decided_at),
  };
}

export interface CreditFields {
  id: string; decision_id: string; item_id: string; target_institution_id: string; programme_id: string | null; category: string;
  credits: string; target_item_id: string | null; source_achievement_ids: string[]; source_institution_ids: string[];
  /** Credential imports the credit rests on; absent or empty for credit from deposited achievements only. */
  source_import_ids?: string[];
  source_trust_entry_ids?: string[];
  rule_id: string | null; rule_version: number | null; recognised_on: string;
}

export function creditGrantBody(r: CreditFields): unknown {
  return {
    credit: r.id, decision: r.decision_id, item: r.item_id, target: r.target_institution_id, programme: r.programme_id,
    category: r.category, credits: money(r.credits), targetItem: r.target_item_id,
    sources: [...r.source_achievement_ids].sort(), sourceInstitutions: [...r.source_institution_ids].sort(),
    // Only when present, so the bodies of credits from achievements alone stay as they were.
    ...(r.source_import_ids?.length ? { importSources: [...r.source_import_ids].sort() } : {}),
    ...(r.source_trust_entry_ids?.length ? { trustEntrySources: [...r.source_trust_entry_ids].sort() } : {}),
    rule: r.rule_id === null ? null : { id: r.rule_id, version: r.rule_version }, recognisedOn: r.recognised_on,
  };
}

export function creditRevocationBody(r: { id: string; revoked_at: Date | string; revoked_reason: string }): unknown {
  return { credit: r.id, revokedAt: iso(r.revoked_at), reason: r.revoked_reason };
}

const byIds = (entries: readonly EntryRef[]) => [...new Set(entries.map((e) => e.resourceId))];

export const rebuildDecisions: BodyRebuilder = async (db: Executor, entries: readonly EntryRef[]) => {
  const rows = await db.selectFrom('recognition_decisions').select(DECISION).where('id', 'in', byIds(entries)).execute();
  const out = new Map<number, unknown>();
  for (const e of entries) {
    const r = rows.find((x) => x.id === e.resourceId && Number(x.ledger_entry_id) === e.id);
    if (r) out.set(e.id, decisionBody(r));
  }
  return out;
};

export const rebuildCredits: BodyRebuilder = async (db: Executor, entries: readonly EntryRef[]) => {
  const rows = await db.selectFrom('recognised_credits').select(CREDIT).where('id', 'in', byIds(entries)).execute();
  const out = new Map<number, unknown>();
  for (const e of entries) {
    const r = rows.find((x) => x.id === e.resourceId);
    if (r && Number(r.granted_entry_id) === e.id) out.set(e.id, creditGrantBody(r));
    else if (r && r.revoked_at !== null && Number(r.revoked_entry_id) === e.id) out.set(e.id, creditRevocationBody({ id: r.id, revoked_at: r.revoked_at, revoked_reason: r.revoked_reason ?? '' }));
  }
  return out;
};
