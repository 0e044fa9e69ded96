import type { RequirementStatus, Suggestion } from './audit-result.js';
import { capGroupKey, matchesFilter } from './item-facts.js';
import type { Prepared } from './prepare.js';
import type { AuditItem, CandidateItem, Programme, Requirement } from './programme.js';
import type { Placement } from './report.js';

function fitsRequirement(c: CandidateItem, req: Requirement | undefined, categories: Requirement[]): boolean {
  const inCategory = (ids?: string[]) => categories.some((cat) => cat.kind === 'category' && (!ids || ids.includes(cat.id)) && (cat.acceptsAny || c.eligibleFor.includes(cat.id)));
  if (!req) return inCategory();
  switch (req.kind) {
    case 'category': return req.acceptsAny || c.eligibleFor.includes(req.id);
    case 'minimum': return matchesFilter(c, req.filter) && inCategory(req.scope);
    default: return (c.eligibleFor.includes(req.id) || req.catalogueItemIds.includes(c.catalogueItemId)) && inCategory(req.scope);
  }
}

/**
 * Caps that do not depend on when the item is taken; a candidate that would overflow one is no
 * help. Each cap group's placed units are summed once per audit, not once per candidate (an audit
 * may weigh 2,000 candidates against a few caps).
 */
function capOverflow(programme: Programme, p: Prepared, placement: Placement): (c: CandidateItem) => boolean {
  const groups = new Map<string, { used: number; limit: number }>();
  for (const g of p.capGroups) {
    const key = `${g.capId}\u0000${g.key}`;
    if (groups.has(key)) continue; // the first group of a key decides, as a linear find would
    const used = g.itemIndexes.reduce((s, i) => s + (placement.has(i) ? p.items[i]!.units : 0), 0);
    groups.set(key, { used, limit: g.limitUnits ?? Infinity });
  }
  const caps = programme.caps.filter((cap) => cap.per !== 'year' && cap.per !== 'term');
  return (c) => {
    const asItem = { ...c, id: '', date: '0000-01-01', passing: true } as AuditItem;
    let units: number | undefined;
    return caps.some((cap) => {
      if (!matchesFilter(asItem, cap.filter)) return false;
      const group = groups.get(`${cap.id}\u0000${capGroupKey(asItem, cap.per)}`);
      if (!group) return false;
      units ??= c.credits.times(p.scale).toNumber();
      return group.used + units > group.limit;
    });
  };
}

/**
 * Catalogue items that would count toward each unmet requirement: not already held, and not
 * blocked by a provider / kind / overall cap. Largest credit first. Period caps depend on when the
 * learner takes the item, so they are not checked here (a what-if settles it).
 */
export function suggestionsFor(programme: Programme, p: Prepared, placement: Placement,
  statuses: RequirementStatus[], candidates: CandidateItem[], max: number): Suggestion[] {
  const unmet = statuses.filter((s) => s.status === 'partly' || s.status === 'not');
  if (unmet.length === 0) return [];
  const held = new Set(p.items.flatMap((it) => [it.item.catalogueItemId, it.item.duplicateKey]).filter((v) => v !== undefined));
  const overflows = capOverflow(programme, p, placement);
  // Ordered once (largest credit first, then id); each requirement takes its first `max` fits in that order.
  const fresh = candidates.filter((c) => !held.has(c.catalogueItemId) && !(c.duplicateKey && held.has(c.duplicateKey)) && !overflows(c))
    .sort((a, b) => b.credits.comparedTo(a.credits) || a.catalogueItemId.localeCompare(b.catalogueItemId));
  const categories = programme.requirements.filter((r) => r.kind === 'category');
  return unmet.map((s) => {
    const req = programme.requirements.find((r) => r.id === s.id);
    const fits: CandidateItem[] = [];
    for (const c of fresh) {
      if (fits.length >= max) break;
      if (fitsRequirement(c, req, categories)) fits.push(c);
    }
    return { requirementId: s.id, candidates: fits };
  });
}
