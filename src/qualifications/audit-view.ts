import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import type { AuditResult } from './audit/audit-result.js';
import type { AuditItem } from './audit/programme.js';
import type { ExcludedItem } from './record-items.js';

export interface SuggestionView { catalogueItemId: string; ref: string; code: string; institutionId: string; title: { zh: string | null; en: string | null }; credits: string }

/** The audit as the API returns it and as an award stores it: exact decimals as strings. */
export interface AuditView {
  learnerId: string; programmeId: string; programmeVersion: string; programmeDigest: string; asOf: string;
  complete: boolean; totalCounted: string;
  requirements: {
    id: string; kind: string; name: { en: string; zh?: string; ko?: string }; status: string; unit: string;
    counted: string; needed: string; missing: string; itemIds: string[];
    /** Set when the requirement is waived: the reason, and the waiver row it rests on. */
    waiverReason?: string; waiverId?: string; suggestions: SuggestionView[];
  }[];
  caps: { id: string; name: { en: string; zh?: string; ko?: string }; groups: { key: string; used: string; limit: string }[] }[];
  assignments: { itemId: string; categoryId: string; credits: string; hypothetical: boolean; title: string; source: string }[];
  unused: { itemId: string; reason: string; detail: string; hypothetical: boolean; title: string }[];
  excluded: ExcludedItem[];
  hypotheticalItemIds: string[];
}

export interface ViewInputs {
  learnerId: string; digest: string; result: AuditResult; items: AuditItem[]; excluded: ExcludedItem[];
  /** Suggestion candidates by catalogue reference. */
  candidates: Map<string, CatalogueItem>;
  /** Requirement id → id of the live waiver passed to the engine for it. */
  waiverIds?: Map<string, string>;
}

const sourceOf = (id: string) => (id.startsWith('recognised:') ? 'recognised-credit' : id.startsWith('what-if:') ? 'hypothetical' : 'achievement');

function waiverOf(r: AuditResult['requirements'][number], ids: Map<string, string> | undefined): { waiverReason?: string; waiverId?: string } {
  if (r.waiverReason === undefined) return {};
  const id = ids?.get(r.id);
  return id === undefined ? { waiverReason: r.waiverReason } : { waiverReason: r.waiverReason, waiverId: id };
}

export function toAuditView(v: ViewInputs): AuditView {
  const { result } = v;
  const titles = new Map(v.items.map((i) => [i.id, i.title ?? i.id]));
  const suggestions = new Map(result.suggestions.map((s) => [s.requirementId, s.candidates.flatMap((c) => {
    const item = v.candidates.get(c.catalogueItemId);
    return item ? [{ catalogueItemId: item.id, ref: c.catalogueItemId, code: item.code, institutionId: item.institutionId, title: item.title, credits: c.credits.toString() }] : [];
  })]));
  return {
    learnerId: v.learnerId, programmeId: result.programmeId, programmeVersion: result.programmeVersion, programmeDigest: v.digest,
    asOf: result.asOf, complete: result.complete, totalCounted: result.totalCounted.toString(),
    requirements: result.requirements.map((r) => ({
      id: r.id, kind: r.kind, name: r.name, status: r.status, unit: r.unit, counted: r.counted.toString(), needed: r.needed.toString(),
      missing: r.missing.toString(), itemIds: r.itemIds, ...waiverOf(r, v.waiverIds),
      suggestions: suggestions.get(r.id) ?? [],
    })),
    caps: result.caps.map((c) => ({ id: c.id, name: c.name, groups: c.groups.map((g) => ({ key: g.key, used: g.used.toString(), limit: g.limit.toString() })) })),
    assignments: result.assignments.map((a) => ({ itemId: a.itemId, categoryId: a.categoryId, credits: a.credits.toString(), hypothetical: a.hypothetical, title: titles.get(a.itemId) ?? a.itemId, source: sourceOf(a.itemId) })),
    unused: result.unused.map((u) => ({ ...u, title: titles.get(u.itemId) ?? u.itemId })),
    excluded: v.excluded,
    hypotheticalItemIds: result.hypotheticalItemIds,
  };
}
