import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { solveCoverage } from '../../../src/qualifications/audit/exact-solve.js';
import { extendPlacement } from '../../../src/qualifications/audit/extend.js';
import { loadHighsSolver } from '../../../src/qualifications/audit/highs-solver.js';
import { capGroupKey, matchesFilter } from '../../../src/qualifications/audit/item-facts.js';
import { buildMilp } from '../../../src/qualifications/audit/milp-model.js';
import { prepare, type Prepared } from '../../../src/qualifications/audit/prepare.js';
import type { AuditItem, CandidateItem, Programme, Requirement } from '../../../src/qualifications/audit/programme.js';
import { placementFrom, requirementStatuses, type Placement } from '../../../src/qualifications/audit/report.js';
import { suggestionsFor } from '../../../src/qualifications/audit/suggestions.js';
import type { RequirementStatus } from '../../../src/qualifications/audit/audit-result.js';
import { largeProgramme, largeRecord } from './large-case.js';

/** The straightforward definition (every candidate against every cap group and requirement), kept as the reference. */
function reference(programme: Programme, p: Prepared, placement: Placement, statuses: RequirementStatus[], candidates: CandidateItem[], max: number) {
  const categories = programme.requirements.filter((r) => r.kind === 'category');
  const inCategory = (c: CandidateItem, ids?: string[]) => categories.some((cat) => (!ids || ids.includes(cat.id)) && (cat.acceptsAny || c.eligibleFor.includes(cat.id)));
  const fits = (c: CandidateItem, req: Requirement | undefined) => {
    if (!req) return inCategory(c);
    if (req.kind === 'category') return req.acceptsAny || c.eligibleFor.includes(req.id);
    if (req.kind === 'minimum') return matchesFilter(c, req.filter) && inCategory(c, req.scope);
    return (c.eligibleFor.includes(req.id) || req.catalogueItemIds.includes(c.catalogueItemId)) && inCategory(c, req.scope);
  };
  const overflows = (c: CandidateItem) => {
    const asItem = { ...c, id: '', date: '0000-01-01', passing: true } as AuditItem;
    return programme.caps.some((cap) => {
      if (cap.per === 'year' || cap.per === 'term' || !matchesFilter(asItem, cap.filter)) return false;
      const group = p.capGroups.find((g) => g.capId === cap.id && g.key === capGroupKey(asItem, cap.per));
      const used = group ? group.itemIndexes.reduce((s, i) => s + (placement.has(i) ? p.items[i]!.units : 0), 0) : 0;
      return used + c.credits.times(p.scale).toNumber() > (group?.limitUnits ?? Infinity);
    });
  };
  const held = new Set(p.items.flatMap((it) => [it.item.catalogueItemId, it.item.duplicateKey]).filter((v) => v !== undefined));
  const fresh = candidates.filter((c) => !held.has(c.catalogueItemId) && !(c.duplicateKey && held.has(c.duplicateKey)) && !overflows(c));
  return statuses.filter((s) => s.status === 'partly' || s.status === 'not').map((s) => {
    const req = programme.requirements.find((r) => r.id === s.id);
    const list = fresh.filter((c) => fits(c, req)).sort((a, b) => b.credits.comparedTo(a.credits) || a.catalogueItemId.localeCompare(b.catalogueItemId));
    return { requirementId: s.id, candidates: list.slice(0, max) };
  });
}

describe('suggestions', () => {
  it('match the straightforward definition on the large case (caps, duplicates, held items, every requirement kind)', async () => {
    const solver = await loadHighsSolver();
    const programme = largeProgramme();
    let suggested = 0;
    for (const [count, seed] of [[40, 3], [120, 11], [300, 7]] as const) {
      const items = largeRecord(count, seed);
      const candidates: CandidateItem[] = largeRecord(400, seed + 100).map((it, n) => ({
        catalogueItemId: n % 9 === 0 ? `item${n % 60}` : `cand${n}`, credits: it.credits.plus(n % 4 === 0 ? 20 : 0), eligibleFor: it.eligibleFor,
        provider: it.provider, sourceKind: it.sourceKind, atAwardingInstitution: it.atAwardingInstitution, viaRecognition: it.viaRecognition,
        ...(it.duplicateKey ? { duplicateKey: it.duplicateKey } : {}), title: `Candidate ${n}`,
      } as CandidateItem));
      const options = { asOf: '2024-06-01' };
      const p = prepare(programme, items, options, new Set());
      const model = buildMilp(p);
      const placement = extendPlacement(p, placementFrom(model.pairs, solveCoverage(solver, model)));
      const statuses = requirementStatuses(programme, p, placement);
      const got = suggestionsFor(programme, p, placement, statuses, candidates, 5);
      expect(got).toEqual(reference(programme, p, placement, statuses, candidates, 5));
      suggested += got.reduce((n, s) => n + s.candidates.length, 0);
    }
    expect(suggested, 'the incomplete records get suggestions to compare').toBeGreaterThan(20);
  });

  it('are none when nothing is missing', async () => {
    const programme = { ...largeProgramme(), requirements: [], caps: [] } as Programme;
    const p = prepare(programme, largeRecord(10), { asOf: '2024-06-01' }, new Set());
    expect(suggestionsFor(programme, p, new Map(), [], [{ catalogueItemId: 'x', credits: new Decimal(3), eligibleFor: [] } as unknown as CandidateItem], 5)).toEqual([]);
  });
});
