import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditWith } from '../../../src/qualifications/audit/audit.js';
import type { AuditResult } from '../../../src/qualifications/audit/audit-result.js';
import { type MilpSolver, loadHighsSolver } from '../../../src/qualifications/audit/highs-solver.js';
import type { AuditItem, Cap, ItemFilter, Programme, Requirement } from '../../../src/qualifications/audit/programme.js';
import { bruteForceBest, coverage, dupKey, feasible, fullCoverage } from './brute-force.js';

let highs: MilpSolver;
beforeAll(async () => { highs = await loadHighsSolver(); });

const cats = ['a', 'b', 'c'];
const credit = fc.constantFrom('0.5', '1', '2', '3', '4');

const categoryArb = (id: string) => fc.record({
  min: fc.integer({ min: 0, max: 6 }), max: fc.option(fc.integer({ min: 2, max: 9 }), { nil: undefined }), any: fc.boolean(),
}).map(({ min, max, any }): Requirement => ({ id, kind: 'category', name: { en: id }, minCredits: String(min),
  ...(max !== undefined ? { maxCredits: String(Math.max(min, max)) } : {}), ...(any ? { acceptsAny: true } : {}) }));

const overlayArb = (id: string) => fc.oneof(
  fc.record({ residency: fc.boolean(), min: fc.integer({ min: 1, max: 6 }), scope: fc.option(fc.constantFrom('a', 'b').map((c) => [c]), { nil: undefined }) })
    .map(({ residency, min, scope }): Requirement => ({ id, kind: 'minimum', name: { en: id }, minCredits: String(min),
      filter: residency ? { atAwardingInstitution: true } : { sourceKinds: ['course'] }, ...(scope ? { scope } : {}) })),
  fc.constantFrom('k1', 'k2', 'k3').map((k): Requirement => ({ id, kind: 'required', name: { en: id }, catalogueItemIds: [k] })),
  fc.integer({ min: 1, max: 2 }).map((choose): Requirement => ({ id, kind: 'choice', name: { en: id }, catalogueItemIds: ['k1', 'k2', 'k3', 'k4'], choose })),
);

const capArb = (id: string) => fc.record({
  per: fc.constantFrom('all', 'provider', 'sourceKind', 'year', 'term') as fc.Arbitrary<Cap['per']>,
  max: fc.integer({ min: 1, max: 10 }), fraction: fc.option(fc.constantFrom('0.25', '0.5', '0.75'), { nil: undefined }),
  filter: fc.constantFrom<(ItemFilter | undefined)[]>(undefined, { sourceKinds: ['course'] }, { viaRecognition: true }, { viaRecognition: false }),
}).map(({ per, max, fraction, filter }): Cap => ({ id, name: { en: id }, per, ...(fraction ? { maxFraction: fraction } : { maxCredits: String(max) }), ...(filter ? { filter } : {}) }));

const programmeArb = fc.integer({ min: 1, max: 3 }).chain((nCats) => fc.record({
  categories: fc.tuple(...cats.slice(0, nCats).map(categoryArb)),
  overlays: fc.array(fc.nat(), { maxLength: 4 - nCats > 2 ? 2 : 4 - nCats }).chain((xs) => fc.tuple(...xs.map((_, i) => overlayArb(`o${i}`)))),
  caps: fc.array(fc.nat(), { maxLength: 2 }).chain((xs) => fc.tuple(...xs.map((_, i) => capArb(`cap${i}`)))),
  total: fc.integer({ min: 1, max: 15 }),
  recencyYears: fc.option(fc.integer({ min: 2, max: 4 }), { nil: undefined }),
})).map(({ categories, overlays, caps, total, recencyYears }): Programme => ({
  ...(recencyYears !== undefined ? { recencyYears } : {}),
  id: 'p', version: '1', name: { en: 'p' }, awardingInstitution: 'inst', frameworkLevel: { framework: 'x', level: '1' }, creditSystem: 'x',
  totalCredits: String(total), requirements: [...categories, ...overlays], caps, sources: [{ title: 't', url: 'https://example.org', confirms: [] }],
}));

const itemArb = (n: number) => fc.record({
  credits: credit, eligibleFor: fc.subarray(cats, { minLength: 0 }), provider: fc.constantFrom('p1', 'p2'), sourceKind: fc.constantFrom('course', 'exam'),
  atAwardingInstitution: fc.boolean(), year: fc.integer({ min: 2020, max: 2022 }), passing: fc.integer({ min: 0, max: 9 }).map((v) => v > 0),
  catalogueItemId: fc.option(fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5'), { nil: undefined }),
  duplicateKey: fc.option(fc.constant('d1'), { nil: undefined, freq: 4 }),
  viaRecognition: fc.boolean(), month: fc.constantFrom('05', '10'),
}).map(({ credits, year, month, ...rest }): AuditItem => ({ id: `i${n}`, credits: new Decimal(credits), date: `${year}-${month}-01`, ...rest }));

const caseArb = fc.tuple(programmeArb, fc.integer({ min: 0, max: 7 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => itemArb(i)))));

/** Coverage of the engine's result, in the brute force's units. */
function resultCoverage(programme: Programme, items: AuditItem[], result: AuditResult, waived?: Set<string>): number {
  const placed = new Map(result.assignments.map((a) => [items.findIndex((i) => i.id === a.itemId), a.categoryId]));
  return coverage(programme, items, placed, waived);
}

const ASOF = '2024-01-01';
/** The recency cutoff, written out independently of the engine: `recencyYears` before the audit date. */
const cutoffOf = (p: Programme) => p.recencyYears === undefined ? undefined : `${2024 - p.recencyYears}-01-01`;
/** Indexes of requirements to waive (most cases waive none). */
const waiverArb = fc.option(fc.subarray([0, 1, 2, 3, 4], { maxLength: 2 }), { nil: [] as number[], freq: 2 });

// Solvers that force each fallback path of the exact search to be exercised and checked too.
const variants: [string, () => MilpSolver][] = [
  ['LP, repair and search', () => highs],
  ['repair from an empty start', () => ({ lp: (m) => ({ ...highs.lp(m), values: new Float64Array(m.numCols) }), mip: (m, h) => highs.mip(m, h) })],
  ['the full MILP', () => ({ lp: (m) => ({ values: new Float64Array(m.numCols), objective: Number.MAX_SAFE_INTEGER }), mip: (m, h) => highs.mip(m, h) })],
];

describe('audit properties (against brute force on small cases)', () => {
  for (const [name, solver] of variants) {
    it(`reaches the best possible coverage, so never reports incomplete when a complete assignment exists (${name})`, () => {
      fc.assert(fc.property(caseArb, waiverArb, ([programme, items], pick) => {
        const waivers = programme.requirements.filter((_, i) => pick.includes(i)).map((r) => ({ requirementId: r.id, reason: 'granted' }));
        const waived = new Set(waivers.map((w) => w.requirementId));
        const result = auditWith(solver(), programme, items, { asOf: ASOF, waivers });
        const best = bruteForceBest(programme, items, cutoffOf(programme), waived);
        expect(resultCoverage(programme, items, result, waived)).toBe(best);
        expect(result.complete).toBe(best === fullCoverage(programme, waived));
      }), { numRuns: name === 'LP, repair and search' ? 120 : 50 });
    });
  }

  it('keeps every cap, category maximum and duplicate rule, and counts no item twice', () => {
    fc.assert(fc.property(caseArb, ([programme, items]) => {
      const result = auditWith(highs, programme, items, { asOf: '2024-01-01' });
      const ids = result.assignments.map((a) => a.itemId);
      expect(new Set(ids).size).toBe(ids.length);
      const placed = new Map(result.assignments.map((a) => [items.findIndex((i) => i.id === a.itemId), a.categoryId]));
      expect(feasible(programme, items, placed)).toBe(true);
      for (const cap of result.caps) for (const g of cap.groups) expect(g.used.lte(g.limit)).toBe(true);
      for (const a of result.assignments) {
        const item = items.find((i) => i.id === a.itemId)!;
        expect(item.passing).toBe(true);
        const category = programme.requirements.find((r) => r.id === a.categoryId)!;
        expect(category.kind === 'category' && (category.acceptsAny || item.eligibleFor.includes(category.id))).toBe(true);
      }
      const keys = result.assignments.map((a) => dupKey(items.find((i) => i.id === a.itemId)!)).filter((k) => k !== undefined);
      expect(new Set(keys).size).toBe(keys.length);
    }), { numRuns: 150 });
  });

  it('reports each requirement, residency included, exactly as the counted items meet it', () => {
    fc.assert(fc.property(caseArb, ([programme, items]) => {
      const result = auditWith(highs, programme, items, { asOf: '2024-01-01' });
      const counted = new Map(result.assignments.map((a) => [a.itemId, a.categoryId]));
      for (const status of result.requirements) {
        const req = programme.requirements.find((r) => r.id === status.id);
        const contributes = (i: AuditItem) => {
          const cat = counted.get(i.id);
          if (cat === undefined) return false;
          if (!req) return true;
          if (req.kind === 'category') return cat === req.id;
          if (req.scope && !req.scope.includes(cat)) return false;
          if (req.kind === 'minimum') return (!req.filter.sourceKinds || req.filter.sourceKinds.includes(i.sourceKind)) && (req.filter.atAwardingInstitution === undefined || req.filter.atAwardingInstitution === i.atAwardingInstitution);
          return i.eligibleFor.includes(req.id) || (!!i.catalogueItemId && req.catalogueItemIds.includes(i.catalogueItemId));
        };
        const mine = items.filter(contributes);
        const value = status.unit === 'items' ? new Decimal(mine.length) : mine.reduce((s, i) => s.plus(i.credits), new Decimal(0));
        expect(status.counted.eq(value)).toBe(true);
        expect(status.status === 'satisfied').toBe(value.gte(status.needed));
      }
      expect(result.complete).toBe(result.requirements.every((r) => r.status === 'satisfied'));
    }), { numRuns: 150 });
  });

  it('leaves an item unused only when a cap, a full category, a duplicate, a failing result, recency or no eligible category blocks it', () => {
    fc.assert(fc.property(caseArb, ([programme, items]) => {
      const result = auditWith(highs, programme, items, { asOf: '2024-01-01' });
      const placed = new Map(result.assignments.map((a) => [items.findIndex((i) => i.id === a.itemId), a.categoryId]));
      expect(result.unused.length + result.assignments.length).toBe(items.length);
      for (const u of result.unused) {
        const k = items.findIndex((i) => i.id === u.itemId);
        const item = items[k]!;
        if (u.reason === 'failing-result') { expect(item.passing).toBe(false); continue; }
        if (u.reason === 'too-old') { expect(item.date < cutoffOf(programme)!).toBe(true); continue; }
        const cats = programme.requirements.filter((r) => r.kind === 'category' && (r.acceptsAny || item.eligibleFor.includes(r.id)));
        if (u.reason === 'not-eligible') { expect(cats).toEqual([]); continue; }
        // Adding the item to any eligible category must break a rule.
        for (const c of cats) expect(feasible(programme, items, new Map([...placed, [k, c.id]]))).toBe(false);
      }
    }), { numRuns: 150 });
  });
});
