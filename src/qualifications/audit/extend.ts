import type { Prepared } from './prepare.js';
import type { Placement } from './report.js';

/**
 * Adds every still-unplaced item that fits somewhere without breaking a cap, a category maximum
 * or a duplicate rule, largest first. Coverage never drops (minimums only grow), and afterwards
 * no unplaced item fits anywhere, so each unused item has a concrete blocking reason.
 */
export function extendPlacement(p: Prepared, placement: Placement): Placement {
  const out: Placement = new Map(placement);
  const categoryUsed = p.categories.map(() => 0);
  const capUsed = p.capGroups.map(() => 0);
  const capsOf: number[][] = p.items.map(() => []);
  p.capGroups.forEach((g, gi) => g.itemIndexes.forEach((i) => capsOf[i]!.push(gi)));
  const groupOf = new Map<number, number>();
  p.duplicateGroups.forEach((g, gi) => g.forEach((i) => groupOf.set(i, gi)));
  const groupTaken = new Set<number>();
  const place = (i: number, ci: number) => {
    out.set(i, ci);
    categoryUsed[ci]! += p.items[i]!.units;
    for (const g of capsOf[i]!) capUsed[g]! += p.items[i]!.units;
    if (groupOf.has(i)) groupTaken.add(groupOf.get(i)!);
  };
  for (const [i, ci] of placement) place(i, ci);
  const order = p.items.map((_, i) => i).filter((i) => !out.has(i)).sort((a, b) => p.items[b]!.units - p.items[a]!.units || a - b);
  for (const i of order) {
    const units = p.items[i]!.units;
    if (groupOf.has(i) && groupTaken.has(groupOf.get(i)!)) continue;
    if (capsOf[i]!.some((g) => capUsed[g]! + units > p.capGroups[g]!.limitUnits)) continue;
    const ci = p.items[i]!.categories.find((c) => p.categories[c]!.maxUnits === undefined || categoryUsed[c]! + units <= p.categories[c]!.maxUnits!);
    if (ci !== undefined) place(i, ci);
  }
  return out;
}
