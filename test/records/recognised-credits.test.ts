import { describe, expect, it } from 'vitest';
import { visibleCredit, type RecognisedCredit } from '../../src/records/recognised-credits.js';

const credit = (sources: string[], target = 'target'): RecognisedCredit => ({
  id: 'c1', targetInstitutionId: target, programmeId: null, category: 'elective', credits: '3.00', creditSystemId: 'cn-university',
  targetItemId: null, catalogueItemId: null, sources: { achievementIds: sources, institutionIds: ['source'], importIds: [], trustEntryIds: [] },
  decision: { id: 'd1', requestId: 'r1', itemId: 'i1', kind: 'automatic', outcome: 'approve', reviewer: 'engine' },
  rule: null, recognisedOn: '2026-01-01', status: 'active', history: [],
});
const partial = (depositor: string, shared: string[]) => ({ kind: 'partial' as const, depositor, shared: new Set(shared) });

describe('which recognised credits a viewer sees', () => {
  it('shows every credit to a whole-record view', () => {
    expect(visibleCredit({ kind: 'all' }, credit(['a', 'b']))).toBe(true);
  });

  it('shows a credit resting on several achievements only when every one of them was shared', () => {
    expect(visibleCredit(partial('', ['a']), credit(['a', 'b']))).toBe(false);
    expect(visibleCredit(partial('', ['a', 'b', 'x']), credit(['a', 'b']))).toBe(true);
  });

  it('shows the recognising institution its own credit, but not the depositor of a source', () => {
    expect(visibleCredit(partial('target', []), credit(['a']))).toBe(true);
    expect(visibleCredit(partial('source', []), credit(['a']))).toBe(false);
  });

  it('never shows a credit with no recorded source to a partial view', () => {
    expect(visibleCredit(partial('', []), credit([]))).toBe(false);
  });
});
