import { Decimal } from 'decimal.js';
import type { UnusedItem } from './audit-result.js';
import { duplicateKeyOf } from './item-facts.js';
import type { Prepared } from './prepare.js';
import type { Placement } from './report.js';

function usedUnits(p: Prepared, indexes: number[], placement: Placement): number {
  return indexes.reduce((s, i) => s + (placement.has(i) ? p.items[i]!.units : 0), 0);
}

interface Lookup { capUsed: number[]; capsOf: number[][]; groupOf: Map<number, number> }

function lookup(p: Prepared, placement: Placement): Lookup {
  const capsOf: number[][] = p.items.map(() => []);
  p.capGroups.forEach((g, gi) => g.itemIndexes.forEach((i) => capsOf[i]!.push(gi)));
  const groupOf = new Map<number, number>();
  p.duplicateGroups.forEach((g, gi) => g.forEach((i) => groupOf.set(i, gi)));
  return { capUsed: p.capGroups.map((g) => usedUnits(p, g.itemIndexes, placement)), capsOf, groupOf };
}

/**
 * Why a usable item was left out. The objective maximises counted credit, so an uncounted
 * item is always blocked: by a counted duplicate, a full cap, or full categories.
 */
function reasonFor(p: Prepared, i: number, placement: Placement, look: Lookup): Omit<UnusedItem, 'itemId' | 'hypothetical'> {
  const it = p.items[i]!;
  const key = duplicateKeyOf(it.item);
  const group = look.groupOf.get(i);
  const twin = group === undefined ? undefined : p.duplicateGroups[group]!.find((j) => placement.has(j));
  if (twin !== undefined) return { reason: 'duplicate', detail: `same subject (${key}) as counted item ${p.items[twin]!.item.id}` };
  const capIndex = look.capsOf[i]!.find((g) => look.capUsed[g]! + it.units > p.capGroups[g]!.limitUnits);
  if (capIndex !== undefined) {
    const cap = p.capGroups[capIndex]!;
    const used = new Decimal(look.capUsed[capIndex]!).div(p.scale);
    return { reason: 'cap', detail: `cap ${cap.capId} for ${cap.key}: ${used} of ${new Decimal(cap.limitUnits).div(p.scale)} credits already counted` };
  }
  const full = it.categories.map((ci) => p.categories[ci]!.req.id).join(', ');
  return { reason: 'category-full', detail: `no room left in ${full}` };
}

/** Every item that does not count, with the reason. */
export function unusedItems(p: Prepared, placement: Placement): UnusedItem[] {
  const look = lookup(p, placement);
  const left = p.items.flatMap((it, i) => placement.has(i) ? [] : [{ itemId: it.item.id, hypothetical: it.hypothetical, ...reasonFor(p, i, placement, look) }]);
  return [...p.excluded, ...left];
}
