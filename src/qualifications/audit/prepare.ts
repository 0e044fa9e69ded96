import { Decimal } from 'decimal.js';
import type { UnusedItem } from './audit-result.js';
import { capGroupKey, duplicateKeyOf, matchesFilter, recencyCutoff } from './item-facts.js';
import type { AuditItem, AuditOptions, CategoryRequirement, Programme, Requirement } from './programme.js';

/** Credits are scaled by 10^d to integers so the solver works on exact whole numbers. */
export interface PreparedItem { item: AuditItem; units: number; categories: number[]; hypothetical: boolean }

export interface PreparedCategory { req: CategoryRequirement; minUnits: number; maxUnits?: number; waiver?: string }

/** A minimum that coverage is measured against: the total, a category minimum or an overlay. */
export interface PreparedMinimum {
  req: Requirement | undefined; // undefined for the programme total
  unit: 'credits' | 'items';
  need: number;                 // scaled credits, or a number of items
  /** Which (item, category) pairs count toward it; null means any pair of the item. */
  itemIndexes: number[];
  scope: number[] | null;
  waiver?: string;
}

export interface PreparedCapGroup { capId: string; key: string; limitUnits: number; itemIndexes: number[] }

export interface Prepared {
  scale: Decimal;
  items: PreparedItem[];
  excluded: UnusedItem[];
  categories: PreparedCategory[];
  minimums: PreparedMinimum[];
  capGroups: PreparedCapGroup[];
  duplicateGroups: number[][];
}

function decimalPlaces(programme: Programme, items: AuditItem[]): number {
  const values: Decimal.Value[] = [programme.totalCredits, ...items.map((i) => i.credits)];
  const categories = programme.requirements.filter((r) => r.kind === 'category');
  const base = (of?: string) => categories.find((r) => r.id === of)?.minCredits ?? programme.totalCredits;
  for (const r of programme.requirements) {
    if (r.kind === 'category') values.push(r.minCredits, r.maxCredits ?? '0');
    if (r.kind === 'minimum') values.push(r.minCredits ?? new Decimal(r.minFraction ?? '0').times(base(r.fractionOf)));
  }
  for (const c of programme.caps) values.push(c.maxCredits ?? new Decimal(c.maxFraction ?? '0').times(base(c.fractionOf)));
  // Limits from fractions can carry many digits; six decimal places is finer than any credit.
  return Math.min(6, Math.max(0, ...values.map((v) => new Decimal(v).decimalPlaces())));
}

function exclusionOf(item: AuditItem, cutoff: string | undefined, hypothetical: boolean): UnusedItem | undefined {
  if (!item.passing) return { itemId: item.id, reason: 'failing-result', detail: `result ${item.result ?? 'not passing'} does not meet the minimum`, hypothetical };
  if (cutoff && item.date < cutoff) return { itemId: item.id, reason: 'too-old', detail: `earned ${item.date}, before ${cutoff}`, hypothetical };
  // A 0-credit recognised grant (a recognised waiver) can still fill a required item or choice slot.
  if (item.credits.lt(0) || (item.credits.isZero() && !item.viaRecognition)) return { itemId: item.id, reason: 'not-eligible', detail: 'carries no credit', hypothetical };
  return undefined;
}

function eligibleCategories(item: AuditItem, categories: PreparedCategory[], zeroCredit: boolean): number[] {
  const out: number[] = [];
  categories.forEach((c, i) => { if (c.req.acceptsAny || item.eligibleFor.includes(c.req.id)) out.push(i); });
  // Adding 0 credits changes no category total, maximum or cap, so any category may hold it.
  if (out.length === 0 && zeroCredit && categories.length > 0) return [0];
  return out;
}

/** Sorts items into usable and excluded ones and turns the programme into scaled numbers. */
export function prepare(programme: Programme, items: AuditItem[], options: AuditOptions, hypothetical: Set<string>): Prepared {
  const scale = new Decimal(10).pow(decimalPlaces(programme, items));
  const toUnits = (v: Decimal.Value, round: Decimal.Rounding) => new Decimal(v).times(scale).toDecimalPlaces(0, round).toNumber();
  const waivers = new Map((options.waivers ?? []).map((w) => [w.requirementId, w.reason]));
  const categories: PreparedCategory[] = programme.requirements.filter((r) => r.kind === 'category').map((req) => ({
    req, minUnits: toUnits(req.minCredits, Decimal.ROUND_UP),
    maxUnits: req.maxCredits === undefined ? undefined : toUnits(req.maxCredits, Decimal.ROUND_DOWN),
    waiver: waivers.get(req.id),
  }));
  const cutoff = programme.recencyYears === undefined ? undefined : recencyCutoff(options.asOf, programme.recencyYears);
  const usable: PreparedItem[] = [];
  const excluded: UnusedItem[] = [];
  for (const item of items) {
    const isHypothetical = hypothetical.has(item.id);
    const reason = exclusionOf(item, cutoff, isHypothetical);
    const cats = eligibleCategories(item, categories, item.credits.isZero());
    if (reason) excluded.push(reason);
    else if (cats.length === 0) excluded.push({ itemId: item.id, reason: 'not-eligible', detail: 'no category of the programme accepts it', hypothetical: isHypothetical });
    else usable.push({ item, units: toUnits(item.credits, Decimal.ROUND_DOWN), categories: cats, hypothetical: isHypothetical });
  }
  const baseOf = (categoryId?: string) => categories.find((c) => c.req.id === categoryId)?.req.minCredits ?? programme.totalCredits;
  const fraction: FractionUnits = (f, round, of) => toUnits(new Decimal(f).times(baseOf(of)), round);
  return {
    scale, items: usable, excluded, categories,
    minimums: buildMinimums(programme, usable, categories, waivers, toUnits, fraction),
    capGroups: buildCapGroups(programme, usable, toUnits, fraction),
    duplicateGroups: buildDuplicateGroups(usable),
  };
}

type FractionUnits = (f: string, round: Decimal.Rounding, of?: string) => number;
type ToUnits = (v: Decimal.Value, round: Decimal.Rounding) => number;

function buildMinimums(programme: Programme, items: PreparedItem[], categories: PreparedCategory[],
  waivers: Map<string, string>, toUnits: ToUnits, fraction: FractionUnits): PreparedMinimum[] {
  const all = items.map((_, i) => i);
  const out: PreparedMinimum[] = [{ req: undefined, unit: 'credits', need: fraction('1', Decimal.ROUND_UP), itemIndexes: all, scope: null }];
  categories.forEach((c, ci) => out.push({ req: c.req, unit: 'credits', need: c.minUnits, itemIndexes: all.filter((i) => items[i]!.categories.includes(ci)), scope: [ci], waiver: c.waiver }));
  const scopeOf = (ids: string[] | undefined) => ids ? categories.flatMap((c, ci) => ids.includes(c.req.id) ? [ci] : []) : null;
  for (const req of programme.requirements) {
    if (req.kind === 'category') continue;
    const waiver = waivers.get(req.id);
    if (req.kind === 'minimum') {
      const need = req.minFraction !== undefined ? fraction(req.minFraction, Decimal.ROUND_UP, req.fractionOf) : toUnits(req.minCredits ?? '0', Decimal.ROUND_UP);
      out.push({ req, unit: 'credits', need, itemIndexes: all.filter((i) => matchesFilter(items[i]!.item, req.filter)), scope: scopeOf(req.scope), waiver });
    } else {
      const matches = (item: AuditItem) => item.eligibleFor.includes(req.id) || (item.catalogueItemId !== undefined && req.catalogueItemIds.includes(item.catalogueItemId));
      out.push({ req, unit: 'items', need: req.kind === 'choice' ? req.choose : 1, itemIndexes: all.filter((i) => matches(items[i]!.item)), scope: scopeOf(req.scope), waiver });
    }
  }
  return out;
}

function buildCapGroups(programme: Programme, items: PreparedItem[], toUnits: ToUnits, fraction: FractionUnits): PreparedCapGroup[] {
  const out: PreparedCapGroup[] = [];
  for (const cap of programme.caps) {
    const limitUnits = cap.maxFraction !== undefined ? fraction(cap.maxFraction, Decimal.ROUND_DOWN, cap.fractionOf) : toUnits(cap.maxCredits ?? '0', Decimal.ROUND_DOWN);
    const groups = new Map<string, number[]>();
    items.forEach((p, i) => {
      if (!matchesFilter(p.item, cap.filter)) return;
      const key = capGroupKey(p.item, cap.per, programme.termStartMonths);
      const group = groups.get(key);
      if (group) group.push(i); else groups.set(key, [i]);
    });
    for (const [key, itemIndexes] of groups) out.push({ capId: cap.id, key, limitUnits, itemIndexes });
  }
  return out;
}

function buildDuplicateGroups(items: PreparedItem[]): number[][] {
  const groups = new Map<string, number[]>();
  items.forEach((p, i) => {
    const key = duplicateKeyOf(p.item);
    if (key === undefined) return;
    const group = groups.get(key);
    if (group) group.push(i); else groups.set(key, [i]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}
