import { beforeAll, describe, expect, it } from 'vitest';
import { type AuditEngine, loadAuditEngine } from '../../../src/qualifications/audit/audit.js';
import type { AuditResult } from '../../../src/qualifications/audit/audit-result.js';
import { loadProgrammeFile } from '../../../src/qualifications/audit/programme-file.js';
import type { Programme } from '../../../src/qualifications/audit/programme.js';
import { item, koreanCompleteRecord } from './records.js';

let engine: AuditEngine;
let bachelor: Programme;
const options = { asOf: '2024-01-10' };

beforeAll(async () => {
  engine = await loadAuditEngine();
  bachelor = await loadProgrammeFile(new URL('../../../frameworks/programmes/korea-acbs-bachelor.json', import.meta.url).pathname);
});

const requirement = (r: AuditResult, id: string) => r.requirements.find((q) => q.id === id)!;

describe('Korean credit-bank bachelor', () => {
  it('is complete for a record with 140 credits, 62 major, 30 general, all within the caps', () => {
    const result = engine.audit(bachelor, koreanCompleteRecord(), options);
    expect(result.complete).toBe(true);
    expect(result.totalCounted.toString()).toBe('140');
    expect(requirement(result, 'major').counted.toString()).toBe('62');
    expect(requirement(result, 'general').counted.toString()).toBe('30');
    expect(requirement(result, 'accredited-or-part-time').status).toBe('satisfied');
    expect(result.unused).toEqual([]);
  });

  it('reports exactly one general-education credit missing when one general course is worth 2', () => {
    const items = koreanCompleteRecord().map((i) => i.id === 'c1' ? { ...i, credits: i.credits.minus(1) } : i);
    items.push(item('extra-elective', { credits: 1, eligibleFor: ['elective'], date: '2023-04-01' }));
    const result = engine.audit(bachelor, items, options);
    expect(result.complete).toBe(false);
    expect(requirement(result, 'general')).toMatchObject({ status: 'partly' });
    expect(requirement(result, 'general').missing.toString()).toBe('1');
    expect(result.requirements.filter((r) => r.status !== 'satisfied').map((r) => r.id)).toEqual(['general']);
  });

  it('does not count course credit beyond 105 from one provider, leaving the degree incomplete', () => {
    const items = koreanCompleteRecord().map((i) => i.sourceKind === 'accredited-course' ? { ...i, provider: 'provider-a' } : i);
    const result = engine.audit(bachelor, items, options);
    expect(result.complete).toBe(false);
    expect(result.caps.find((c) => c.id === 'one-provider')!.groups).toEqual([
      expect.objectContaining({ key: 'provider-a', used: expect.objectContaining({}) }),
    ]);
    expect(result.caps.find((c) => c.id === 'one-provider')!.groups[0]!.used.toString()).toBe('105');
    expect(result.totalCounted.toString()).toBe('125');
    expect(requirement(result, 'total').missing.toString()).toBe('15');
    const capped = result.unused.filter((u) => u.reason === 'cap');
    expect(capped).toHaveLength(5);
    // The engine still meets every category minimum while dropping the five courses.
    expect(['major', 'general'].map((id) => requirement(result, id).status)).toEqual(['satisfied', 'satisfied']);
  });

  it('counts a duplicate subject once even when the titles differ', () => {
    const items = koreanCompleteRecord();
    items.push(item('dup', { title: 'Intro to Programming', duplicateKey: 'programming-1', eligibleFor: ['major'], date: '2023-09-01' }));
    items[0] = { ...items[0]!, title: 'Introduction to  Programming', duplicateKey: 'programming-1' };
    const result = engine.audit(bachelor, items, options);
    const counted = result.assignments.filter((a) => a.itemId === 'dup' || a.itemId === 'c0');
    expect(counted).toHaveLength(1);
    expect(result.unused).toEqual([expect.objectContaining({ reason: 'duplicate' })]);
    expect(result.complete).toBe(true);
  });

  it('keeps to 24 credits in a semester and 42 in a year', () => {
    const crowded = koreanCompleteRecord().map((i) => i.sourceKind === 'accredited-course' ? { ...i, date: '2021-04-01' } : i);
    const result = engine.audit(bachelor, crowded, options);
    expect(result.caps.find((c) => c.id === 'per-semester')!.groups[0]!.used.toString()).toBe('24');
    expect(result.totalCounted.toString()).toBe('44');
    expect(result.complete).toBe(false);
  });

  it('places a course eligible for major or general where it is needed, which greedy placement misses', () => {
    const items = koreanCompleteRecord().map((i) => i.id === 'c1' ? { ...i, eligibleFor: ['major', 'general'] } : i);
    const result = engine.audit(bachelor, items, options);
    expect(result.assignments.find((a) => a.itemId === 'c1')!.categoryId).toBe('general');
    expect(result.complete).toBe(true);
  });

  it('shows in a what-if that one more general course would complete the degree, and suggests it', () => {
    const items = koreanCompleteRecord().filter((i) => i.id !== 'c1');
    items.push(item('extra-elective', { credits: 3, eligibleFor: ['elective'], date: '2023-04-01' }));
    const candidates = [
      { catalogueItemId: 'korean-writing', credits: item('x').credits, eligibleFor: ['general'], provider: 'provider-b', sourceKind: 'accredited-course', atAwardingInstitution: false, viaRecognition: false },
      { catalogueItemId: 'cat-c0', credits: item('x').credits, eligibleFor: ['general'], provider: 'provider-b', sourceKind: 'accredited-course', atAwardingInstitution: false, viaRecognition: false },
    ];
    const before = engine.audit(bachelor, items, { ...options, candidates });
    expect(before.complete).toBe(false);
    expect(before.suggestions.find((s) => s.requirementId === 'general')!.candidates.map((c) => c.catalogueItemId)).toEqual(['korean-writing']);
    const after = engine.whatIf(bachelor, items, [item('plan', { eligibleFor: ['general'], date: '2023-10-01', catalogueItemId: 'korean-writing' })], options);
    expect(after.complete).toBe(true);
    expect(after.hypotheticalItemIds).toEqual(['plan']);
    expect(after.assignments.find((a) => a.itemId === 'plan')).toMatchObject({ categoryId: 'general', hypothetical: true });
  });

  it('treats a waived requirement as met with no credit', () => {
    const items = koreanCompleteRecord().filter((i) => i.id !== 'c1');
    items.push(item('extra-elective', { credits: 3, eligibleFor: ['elective'], date: '2023-04-01' }));
    const result = engine.audit(bachelor, items, { ...options, waivers: [{ requirementId: 'general', reason: 'prior degree' }] });
    expect(requirement(result, 'general')).toMatchObject({ status: 'waived', waiverReason: 'prior degree' });
    expect(result.complete).toBe(true);
  });

  it('leaves failing results out with the reason', () => {
    const items = koreanCompleteRecord().map((i) => i.id === 'c5' ? { ...i, passing: false, result: '55' } : i);
    const result = engine.audit(bachelor, items, options);
    expect(result.unused).toEqual([expect.objectContaining({ itemId: 'c5', reason: 'failing-result' })]);
    expect(result.complete).toBe(false);
  });
});
