import type { AchievementEventBody } from './achievement-rows.js';
import type { AchievementContent } from './records.types.js';

/** A deep copy with every object's keys in code-unit order (what RFC 8785 sorts by), undefined members dropped. */
function sortedDeep(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sortedDeep(x)));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = sortedDeep(x);
  }
  return out;
}

// Literals below list keys in sorted order, so one JSON.stringify yields the RFC 8785 text (the
// content holds strings, null and small integers only). A property test holds this equal to
// canonicalJson; it exists because the generic canonicaliser was the top CPU cost of bulk deposits.
// Each is one literal with no object spread: in V8 (Node 20) `{ ...fields, more }` gives nearly
// every object a hidden class of its own, which JSON.stringify and the callers then pay for.
const evidenceOf = (c: AchievementContent) => (c.evidence === null ? null : { sha256: c.evidence.sha256, url: c.evidence.url });

/** canonicalJson({ learnerId, ...content }), fast. */
export function canonicalContentWithLearner(learnerId: string, c: AchievementContent): string {
  return JSON.stringify({
    assessmentMode: c.assessmentMode, catalogueItemId: c.catalogueItemId, completedOn: c.completedOn, creditSystemId: c.creditSystemId,
    credits: c.credits, evidence: evidenceOf(c), learnerId, learning: sortedDeep(c.learning), result: c.result, term: c.term,
  });
}

/** canonicalJson of a version's ledger event body (see achievementEventBody), fast. */
export function canonicalEventBody(b: AchievementEventBody): string {
  const c = b.content;
  const content = c === null ? null : {
    assessmentMode: c.assessmentMode, catalogueItemId: c.catalogueItemId, completedOn: c.completedOn, creditSystemId: c.creditSystemId,
    credits: c.credits, evidence: evidenceOf(c), learning: sortedDeep(c.learning), result: c.result, term: c.term,
  };
  return JSON.stringify({ achievementId: b.achievementId, actor: b.actor, content, learnerId: b.learnerId, reason: b.reason,
    recordedAt: b.recordedAt, supersedes: b.supersedes, type: b.type, version: b.version });
}
