import { Decimal } from 'decimal.js';
import type { UnusedItem } from './audit-result.js';
import { duplicateKeyOf } from './item-facts.js';
import type { Prepared } from './prepare.js';
import type { Placement } from './report.js';

function usedUnits(p: Prepared, indexes: number[], placement: Placement): number {
  return indexes.reduce((s, i) => s + (placement.has(i) ? p.items[i]!.units : 0), 0);
}

/**
 * Why a usable item was left out. The objective maximises counted credit, so an uncounted
 * item is always blocked: by a counted duplicate, a full cap, or full categories.
 */
function reasonFor(p: Prepared, i: number, placement: Placement): Omit<UnusedItem, 'itemId' | 'hypothetical'> {
  const it = p.items[i]!;
  const key = duplicateKeyOf(it.item);
  const twin = p.duplicateGroups.find((g) => g.includes(i))?.find((j) => placement.has(j));
  if (twin !== undefined) return { reason: 'duplicate', detail: `same subject (${key}) as counted item ${p.items[twin]!.item.id}` };
  const cap = p.capGroups.find((g) => g.itemIndexes.includes(i) && usedUnits(p, g.itemIndexes, placement) + it.units > g.limitUnits);
  if (cap) {
    const used = new Decimal(usedUnits(p, cap.itemIndexes, placement)).div(p.scale);
    return { reason: 'cap', detail: `cap ${cap.capId} for ${cap.key}: ${used} of ${new Decimal(cap.limitUnits).div(p.scale)} credits already counted` };
  }
  const full = it.categories.map((ci) => p.categories[ci]!.req.id).join(', ');
  return { reason: 'category-full', detail: `no room left in ${full}` };
}

/** Every item that does not count, with the reason. */
export function unusedItems(p: Prepared, placement: Placement): UnusedItem[] {
  const left = p.items.flatMap((it, i) => placement.has(i) ? [] : [{ itemId: it.item.id, hypothetical: it.hypothetical, ...reasonFor(p, i, placement) }]);
  return [...p.excluded, ...left];
}
