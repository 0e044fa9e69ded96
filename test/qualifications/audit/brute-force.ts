import type { AuditItem, Programme } from '../../../src/qualifications/audit/programme.js';

// An independent reference for small cases: tries every assignment of items to categories.
// It supports what the property generator produces: filters on sourceKinds / atAwardingInstitution,
// and viaRecognition, caps per all / provider / sourceKind / year / term in credits or fractions of the total,
// recency (cutoff), waivers, credit minimums, required items and choice groups.

type Filter = { sourceKinds?: string[]; atAwardingInstitution?: boolean; viaRecognition?: boolean } | undefined;
const matches = (i: AuditItem, f: Filter) =>
  !f || ((!f.sourceKinds || f.sourceKinds.includes(i.sourceKind)) && (f.atAwardingInstitution === undefined || f.atAwardingInstitution === i.atAwardingInstitution)
    && (f.viaRecognition === undefined || f.viaRecognition === i.viaRecognition));
// Terms with the default start months (January, July): dates the generator makes never fall in January or February.
const termKey = (i: AuditItem) => `${i.date.slice(0, 4)}-T${Number(i.date.slice(5, 7)) < 7 ? 1 : 2}`;
const groupKey = (i: AuditItem, per: string) => per === 'provider' ? i.provider : per === 'sourceKind' ? i.sourceKind : per === 'year' ? i.date.slice(0, 4) : per === 'term' ? termKey(i) : 'all';
/** A cap's limit: its credits, or its fraction of the programme total (fractions the generator uses are exact). */
const capLimit = (programme: Programme, cap: Programme['caps'][number]) => cap.maxFraction !== undefined ? Number(cap.maxFraction) * Number(programme.totalCredits) : Number(cap.maxCredits);
export const dupKey = (i: AuditItem) => i.duplicateKey ?? (i.catalogueItemId ? `catalogue:${i.catalogueItemId}` : undefined);

/** Coverage of an assignment (item index → category id), in credits; an item slot counts as one credit. */
export function coverage(programme: Programme, items: AuditItem[], placed: Map<number, string>, waived: Set<string> = new Set()): number {
  const counted = [...placed.entries()];
  const credits = (pred: (i: AuditItem, cat: string) => boolean) => counted.reduce((s, [i, c]) => s + (pred(items[i]!, c) ? items[i]!.credits.toNumber() : 0), 0);
  const count = (pred: (i: AuditItem, cat: string) => boolean) => counted.filter(([i, c]) => pred(items[i]!, c)).length;
  let total = Math.min(Number(programme.totalCredits), credits(() => true));
  for (const r of programme.requirements) {
    if (waived.has(r.id)) continue;
    const inScope = (c: string) => r.kind === 'category' || !r.scope || r.scope.includes(c);
    if (r.kind === 'category') total += Math.min(Number(r.minCredits), credits((_, c) => c === r.id));
    else if (r.kind === 'minimum') total += Math.min(Number(r.minCredits), credits((i, c) => matches(i, r.filter) && inScope(c)));
    else {
      const hit = (i: AuditItem, c: string) => inScope(c) && (i.eligibleFor.includes(r.id) || (!!i.catalogueItemId && r.catalogueItemIds.includes(i.catalogueItemId)));
      total += Math.min(r.kind === 'choice' ? r.choose : 1, count(hit));
    }
  }
  return total;
}

/** Σ of every minimum's need, in the same units as `coverage`. */
export function fullCoverage(programme: Programme, waived: Set<string> = new Set()): number {
  return Number(programme.totalCredits) + programme.requirements.reduce((s, r) => waived.has(r.id) ? s :
    s + (r.kind === 'category' ? Number(r.minCredits) : r.kind === 'minimum' ? Number(r.minCredits) : r.kind === 'choice' ? r.choose : 1), 0);
}

/** True when the assignment keeps every cap, category maximum and duplicate rule. */
export function feasible(programme: Programme, items: AuditItem[], placed: Map<number, string>): boolean {
  const counted = [...placed.entries()];
  for (const r of programme.requirements) {
    if (r.kind === 'category' && r.maxCredits !== undefined) {
      const used = counted.reduce((s, [i, c]) => s + (c === r.id ? items[i]!.credits.toNumber() : 0), 0);
      if (used > Number(r.maxCredits)) return false;
    }
  }
  for (const cap of programme.caps) {
    const used = new Map<string, number>();
    for (const [i] of counted) {
      if (!matches(items[i]!, cap.filter)) continue;
      const key = groupKey(items[i]!, cap.per);
      used.set(key, (used.get(key) ?? 0) + items[i]!.credits.toNumber());
    }
    if ([...used.values()].some((u) => u > capLimit(programme, cap))) return false;
  }
  const keys = counted.map(([i]) => dupKey(items[i]!)).filter((k) => k !== undefined);
  return new Set(keys).size === keys.length;
}

/** The best coverage over every feasible assignment (items that fail or are too old never count). */
export function bruteForceBest(programme: Programme, items: AuditItem[], cutoff?: string, waived: Set<string> = new Set()): number {
  const categories = programme.requirements.filter((r) => r.kind === 'category');
  const options = items.map((i) => !i.passing || (cutoff && i.date < cutoff) || i.credits.lte(0) ? [] :
    categories.filter((c) => c.acceptsAny || i.eligibleFor.includes(c.id)).map((c) => c.id));
  let best = 0;
  const placed = new Map<number, string>();
  const walk = (k: number) => {
    if (k === items.length) {
      if (feasible(programme, items, placed)) best = Math.max(best, coverage(programme, items, placed, waived));
      return;
    }
    walk(k + 1);
    for (const c of options[k]!) { placed.set(k, c); walk(k + 1); placed.delete(k); }
  };
  walk(0);
  return best;
}
