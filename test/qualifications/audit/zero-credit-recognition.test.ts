import { beforeAll, describe, expect, it } from 'vitest';
import { type AuditEngine, loadAuditEngine } from '../../../src/qualifications/audit/audit.js';
import type { Programme } from '../../../src/qualifications/audit/programme.js';
import { item } from './records.js';

let engine: AuditEngine;
beforeAll(async () => { engine = await loadAuditEngine(); });

const programme: Programme = {
  id: 'zero-credit', version: '1', name: { en: 'Zero-credit recognition' }, awardingInstitution: 'uni',
  frameworkLevel: { framework: 'eqf', level: '6' }, creditSystem: 'ects', totalCredits: '6',
  requirements: [
    { id: 'core', kind: 'category', name: { en: 'Core' }, minCredits: '6' },
    { id: 'ethics', kind: 'required', name: { en: 'Research ethics' }, catalogueItemIds: ['X'] },
    { id: 'languages', kind: 'choice', name: { en: 'Two languages' }, catalogueItemIds: ['A', 'B', 'C'], choose: 2 },
  ],
  caps: [{ id: 'cap', name: { en: 'All' }, per: 'all', maxCredits: '6' }], sources: [],
};
const options = { asOf: '2024-07-01' };
const base = [item('c1', { eligibleFor: ['core'] }), item('c2', { eligibleFor: ['core'] })];

describe('0-credit recognised grants (recognised waivers)', () => {
  it('fill a required item and a choice slot, adding nothing to credit totals or caps', () => {
    const items = [...base,
      item('w-x', { credits: 0, viaRecognition: true, catalogueItemId: 'X', eligibleFor: ['ethics'] }),
      item('w-a', { credits: 0, viaRecognition: true, catalogueItemId: 'A' }),
      item('b', { credits: 0, viaRecognition: true, catalogueItemId: 'B', eligibleFor: ['core'] })];
    const result = engine.audit(programme, items, options);
    expect(result.complete).toBe(true);
    expect(result.totalCounted.toString()).toBe('6');
    expect(result.requirements.find((r) => r.id === 'ethics')!.itemIds).toEqual(['w-x']);
    expect(result.requirements.find((r) => r.id === 'languages')!.counted.toString()).toBe('2');
    expect(result.caps[0]!.groups[0]!.used.toString()).toBe('6');
  });

  it('still excludes a 0-credit item that was not recognised', () => {
    const items = [...base, item('x', { credits: 0, catalogueItemId: 'X', eligibleFor: ['ethics'] }),
      item('a', { eligibleFor: ['core'], catalogueItemId: 'A' }), item('b', { eligibleFor: ['core'], catalogueItemId: 'B' })];
    const result = engine.audit(programme, items, options);
    expect(result.complete).toBe(false);
    expect(result.requirements.find((r) => r.id === 'ethics')!.status).toBe('not');
    expect(result.unused.find((u) => u.itemId === 'x')!.reason).toBe('not-eligible');
  });
});
