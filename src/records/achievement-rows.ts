import { hash } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import { Decimal } from 'decimal.js';
import type { AchievementVersionsTable } from '../db/tables/records.js';
import { TextMemo } from '../frameworks/text-memo.js';
import { canonicalContentWithLearner } from './canonical-content.js';
import type { AchievementContent, AchievementVersion, NonCatalogueLearning } from './records.types.js';

export type VersionRow = Selectable<AchievementVersionsTable>;
/** The columns an event body is built from (a stored row, or one about to be inserted). */
export type VersionFields = Omit<VersionRow, 'ledger_entry_id' | 'learning' | 'credits'> & { learning: unknown; credits: string | null };

// Canonical forms of the credit texts seen, bounded: records repeat a handful of values, and every
// version read (300 per transcript) or deposited parsed its credits again.
const CANONICAL = new TextMemo<string>();

/** Credits in one canonical text form, so "7.50" and "7.5" are the same deposit. */
export function canonicalCredits(c: string | null): string | null {
  if (c === null) return null;
  return CANONICAL.get(c) ?? CANONICAL.set(c, new Decimal(c).toFixed());
}

const parseLearning = (v: unknown): NonCatalogueLearning | null =>
  v === null || v === undefined ? null : (typeof v === 'string' ? JSON.parse(v) : v) as NonCatalogueLearning;

export function contentOf(r: VersionFields): AchievementContent | null {
  if (r.action === 'revocation') return null;
  return {
    catalogueItemId: r.catalogue_item_id, learning: parseLearning(r.learning), result: r.result,
    credits: canonicalCredits(r.credits), creditSystemId: r.credit_system_id, completedOn: r.completed_on!,
    term: r.term, assessmentMode: r.assessment_mode,
    evidence: r.evidence_url === null ? null : { url: r.evidence_url, sha256: r.evidence_sha256! },
  };
}

export function toVersion(r: VersionRow): AchievementVersion {
  return {
    version: r.version, action: r.action, supersedes: r.supersedes, content: contentOf(r), reason: r.reason,
    actor: r.actor, recordedAt: r.recorded_at.toISOString(), ledgerEntryId: Number(r.ledger_entry_id),
  };
}

/**
 * Hash of the content a deposit states: a retry with equal content is a replay, not a conflict.
 * (One-shot `crypto.hash`: no Hash object per deposit; the same digest as createHash.)
 */
export function contentHash(learnerId: string, c: AchievementContent): string {
  return hash('sha256', canonicalContentWithLearner(learnerId, c), 'hex');
}

export function versionValues(learnerId: string, achievementId: string, version: number,
  c: AchievementContent | null, meta: { action: VersionRow['action']; supersedes: number | null; reason: string | null; actor: string; at: Date }): VersionFields {
  return {
    learner_id: learnerId, achievement_id: achievementId, version, action: meta.action, supersedes: meta.supersedes,
    catalogue_item_id: c?.catalogueItemId ?? null, learning: c?.learning ?? null, result: c?.result ?? null,
    credits: c?.credits ?? null, credit_system_id: c?.creditSystemId ?? null, completed_on: c?.completedOn ?? null,
    term: c?.term ?? null, assessment_mode: c?.assessmentMode ?? null, evidence_url: c?.evidence?.url ?? null,
    evidence_sha256: c?.evidence?.sha256 ?? null, reason: meta.reason, actor: meta.actor, recorded_at: meta.at,
  };
}

/** Field by field, no object spread (one hidden class for every row; see canonical-content.ts). */
export function toInsertable(v: VersionFields, ledgerEntryId: number): Insertable<AchievementVersionsTable> {
  return {
    learner_id: v.learner_id, achievement_id: v.achievement_id, version: v.version, action: v.action, supersedes: v.supersedes,
    catalogue_item_id: v.catalogue_item_id, learning: v.learning === null ? null : JSON.stringify(v.learning), result: v.result,
    credits: v.credits, credit_system_id: v.credit_system_id, completed_on: v.completed_on, term: v.term, assessment_mode: v.assessment_mode,
    evidence_url: v.evidence_url, evidence_sha256: v.evidence_sha256, reason: v.reason, actor: v.actor, recorded_at: v.recorded_at,
    ledger_entry_id: ledgerEntryId,
  };
}

const EVENT_TYPES = { deposit: 'achievement.deposited', correction: 'achievement.corrected', revocation: 'achievement.revoked' } as const;
export const eventTypeOf = (action: VersionRow['action']) => EVENT_TYPES[action];

/**
 * The ledger event body of a version, rebuilt from its row alone, so the ledger auditor can
 * recompute `bodyDigest` from the database: same function at write time and at audit time.
 */
export interface AchievementEventBody {
  type: string; learnerId: string; achievementId: string; version: number; supersedes: number | null;
  content: AchievementContent | null; reason: string | null; actor: string; recordedAt: string;
}

export function achievementEventBody(r: VersionFields): AchievementEventBody {
  return {
    type: eventTypeOf(r.action), learnerId: r.learner_id, achievementId: r.achievement_id, version: r.version,
    supersedes: r.supersedes, content: contentOf(r), reason: r.reason, actor: r.actor,
    recordedAt: r.recorded_at.toISOString(),
  };
}
