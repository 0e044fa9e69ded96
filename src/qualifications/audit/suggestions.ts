import type { RequirementStatus, Suggestion } from './audit-result.js';
import { capGroupKey, matchesFilter } from './item-facts.js';
import type { Prepared } from './prepare.js';
import type { AuditItem, CandidateItem, Programme, Requirement } from './programme.js';
import type { Placement } from './report.js';

function fitsRequirement(c: CandidateItem, req: Requirement | undefined, programme: Programme): boolean {
  const categories = programme.requirements.filter((r) => r.kind === 'category');
  const inCategory = (ids?: string[]) => categories.some((cat) => (!ids || ids.includes(cat.id)) && (cat.acceptsAny || c.eligibleFor.includes(cat.id)));
  if (!req) return inCategory();
  switch (req.kind) {
    case 'category': return req.acceptsAny || c.eligibleFor.includes(req.id);
    case 'minimum': return matchesFilter(c, req.filter) && inCategory(req.scope);
    default: return (c.eligibleFor.includes(req.id) || req.catalogueItemIds.includes(c.catalogueItemId)) && inCategory(req.scope);
  }
}

/** Caps that do not depend on when the item is taken; a candidate that would overflow one is no help. */
function overflowsCap(c: CandidateItem, programme: Programme, p: Prepared, placement: Placement): boolean {
  const asItem = { ...c, id: '', date: '0000-01-01', passing: true } as AuditItem;
  return programme.caps.some((cap) => {
    if (cap.per === 'year' || cap.per === 'term' || !matchesFilter(asItem, cap.filter)) return false;
    const group = p.capGroups.find((g) => g.capId === cap.id && g.key === capGroupKey(asItem, cap.per));
    const used = group ? group.itemIndexes.reduce((s, i) => s + (placement.has(i) ? p.items[i]!.units : 0), 0) : 0;
    const limit = group?.limitUnits ?? Infinity;
    return used + c.credits.times(p.scale).toNumber() > limit;
  });
}

/**
 * Catalogue items that would count toward each unmet requirement: not already held, and not
 * blocked by a provider / kind / overall cap. Largest credit first. Period caps depend on when the
 * learner takes the item, so they are not checked here (a what-if settles it).
 */
export function suggestionsFor(programme: Programme, p: Prepared, placement: Placement,
  statuses: RequirementStatus[], candidates: CandidateItem[], max: number): Suggestion[] {
  const held = new Set(p.items.flatMap((it) => [it.item.catalogueItemId, it.item.duplicateKey]).filter((v) => v !== undefined));
  const fresh = candidates.filter((c) => !held.has(c.catalogueItemId) && !(c.duplicateKey && held.has(c.duplicateKey)) && !overflowsCap(c, programme, p, placement));
  return statuses.filter((s) => s.status === 'partly' || s.status === 'not').map((s) => {
    const req = programme.requirements.find((r) => r.id === s.id);
    const fits = fresh.filter((c) => fitsRequirement(c, req, programme))
      .sort((a, b) => b.credits.comparedTo(a.credits) || a.catalogueItemId.localeCompare(b.catalogueItemId));
    return { requirementId: s.id, candidates: fits.slice(0, max) };
  });
}
