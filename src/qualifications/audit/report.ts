import { Decimal } from 'decimal.js';
import type { Assignment, CapStatus, RequirementStatus } from './audit-result.js';
import type { Prepared, PreparedMinimum } from './prepare.js';
import type { Programme } from './programme.js';

/** Item index → category index for every counted item. */
export type Placement = Map<number, number>;

export class AuditInvariantError extends Error {
  readonly code = 'AUDIT_INVARIANT_BROKEN';
}

/** Reads the solver's columns back as whole assignments (binaries rounded to 0/1). */
export function placementFrom(pairs: [number, number][], values: Float64Array): Placement {
  const placement: Placement = new Map();
  pairs.forEach(([item, category], k) => {
    if ((values[k] ?? 0) < 0.5) return;
    if (placement.has(item)) throw new AuditInvariantError(`item ${item} placed twice`);
    placement.set(item, category);
  });
  return placement;
}

const creditsOf = (p: Prepared, i: number) => p.items[i]!.item.credits;
const sum = (values: Decimal[]) => values.reduce((a, b) => a.plus(b), new Decimal(0));

/** Re-checks every hard rule in exact decimals, so a solver tolerance can never leak into a result. */
export function verifyPlacement(p: Prepared, placement: Placement): void {
  for (const group of p.duplicateGroups) {
    if (group.filter((i) => placement.has(i)).length > 1) throw new AuditInvariantError('a duplicate subject counted twice');
  }
  p.categories.forEach((c, ci) => {
    if (c.maxUnits === undefined) return;
    const used = sum([...placement].filter(([, cat]) => cat === ci).map(([i]) => creditsOf(p, i)));
    if (used.times(p.scale).gt(c.maxUnits)) throw new AuditInvariantError(`category ${c.req.id} over its maximum`);
  });
  for (const g of p.capGroups) {
    const used = sum(g.itemIndexes.filter((i) => placement.has(i)).map((i) => creditsOf(p, i)));
    if (used.times(p.scale).gt(g.limitUnits)) throw new AuditInvariantError(`cap ${g.capId} (${g.key}) exceeded`);
  }
}

function contributors(m: PreparedMinimum, placement: Placement): number[] {
  return m.itemIndexes.filter((i) => placement.has(i) && (m.scope === null || m.scope.includes(placement.get(i)!)));
}

/** Status of the total, every category and every overlay. */
export function requirementStatuses(programme: Programme, p: Prepared, placement: Placement): RequirementStatus[] {
  return p.minimums.map((m) => {
    const items = contributors(m, placement);
    const counted = m.unit === 'items' ? new Decimal(items.length) : sum(items.map((i) => creditsOf(p, i)));
    const needed = m.unit === 'items' ? new Decimal(m.need) : new Decimal(m.need).div(p.scale);
    const missing = Decimal.max(0, needed.minus(counted));
    const status = m.waiver !== undefined ? 'waived' : missing.isZero() ? 'satisfied' : counted.gt(0) ? 'partly' : 'not';
    return {
      id: m.req?.id ?? 'total', kind: m.req?.kind ?? 'total',
      name: m.req?.name ?? { en: `Total credits for ${programme.name.en}`, zh: '总学分' },
      status, unit: m.unit, counted, needed, missing: m.waiver !== undefined ? new Decimal(0) : missing,
      itemIds: items.map((i) => p.items[i]!.item.id),
      ...(m.waiver !== undefined ? { waiverReason: m.waiver } : {}),
    };
  });
}

export function capStatuses(programme: Programme, p: Prepared, placement: Placement): CapStatus[] {
  return programme.caps.map((cap) => ({
    id: cap.id, name: cap.name,
    groups: p.capGroups.filter((g) => g.capId === cap.id).map((g) => ({
      key: g.key,
      used: sum(g.itemIndexes.filter((i) => placement.has(i)).map((i) => creditsOf(p, i))),
      limit: new Decimal(g.limitUnits).div(p.scale),
    })),
  }));
}

export function assignmentsOf(p: Prepared, placement: Placement): Assignment[] {
  return [...placement].sort(([a], [b]) => a - b).map(([i, ci]) => ({
    itemId: p.items[i]!.item.id, categoryId: p.categories[ci]!.req.id,
    credits: creditsOf(p, i), hypothetical: p.items[i]!.hypothetical,
  }));
}
