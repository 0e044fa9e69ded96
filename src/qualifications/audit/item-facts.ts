import type { AuditItem, CapGrouping, ItemFilter } from './programme.js';

/** True when the item meets every condition the filter sets. */
export function matchesFilter(item: Omit<AuditItem, 'id' | 'date' | 'passing'>, filter: ItemFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.sourceKinds && !filter.sourceKinds.includes(item.sourceKind)) return false;
  if (filter.providers && !filter.providers.includes(item.provider)) return false;
  if (filter.catalogueItemIds && !(item.catalogueItemId && filter.catalogueItemIds.includes(item.catalogueItemId))) return false;
  if (filter.tags && !filter.tags.some((t) => item.eligibleFor.includes(t))) return false;
  if (filter.atAwardingInstitution !== undefined && filter.atAwardingInstitution !== item.atAwardingInstitution) return false;
  if (filter.viaRecognition !== undefined && filter.viaRecognition !== item.viaRecognition) return false;
  return true;
}

/**
 * The term an item falls in. Terms start on the given months; January–February fall in the
 * previous year's last term when the first term starts later (Korea's second semester runs
 * September to February).
 */
export function termOf(item: Pick<AuditItem, 'date' | 'term'>, termStartMonths: number[] = [1, 7]): string {
  if (item.term) return item.term;
  const year = Number(item.date.slice(0, 4));
  const month = Number(item.date.slice(5, 7));
  const starts = [...termStartMonths].sort((a, b) => a - b);
  let index = -1;
  starts.forEach((start, i) => { if (start <= month) index = i; });
  return index === -1 ? `${year - 1}-T${starts.length}` : `${year}-T${index + 1}`;
}

/** The key of the cap group an item belongs to. */
export function capGroupKey(item: AuditItem, per: CapGrouping, termStartMonths?: number[]): string {
  switch (per) {
    case 'all': return 'all';
    case 'provider': return item.provider;
    case 'sourceKind': return item.sourceKind;
    case 'year': return item.date.slice(0, 4);
    case 'term': return termOf(item, termStartMonths);
  }
}

/** Items with the same key are one subject; a retake of the same catalogue item is too. */
export function duplicateKeyOf(item: AuditItem): string | undefined {
  return item.duplicateKey ?? (item.catalogueItemId ? `catalogue:${item.catalogueItemId}` : undefined);
}

/** The earliest date that still counts, `years` before `asOf` (ISO dates compare as strings). */
export function recencyCutoff(asOf: string, years: number): string {
  return `${String(Number(asOf.slice(0, 4)) - years).padStart(4, '0')}${asOf.slice(4, 10)}`;
}
