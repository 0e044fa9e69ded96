import { beforeAll, describe, expect, it } from 'vitest';
import { type AuditEngine, loadAuditEngine } from '../../../src/qualifications/audit/audit.js';
import { loadProgrammeFile } from '../../../src/qualifications/audit/programme-file.js';
import type { AuditItem, Programme } from '../../../src/qualifications/audit/programme.js';
import { item } from './records.js';

let engine: AuditEngine;
let ouc: Programme;
beforeAll(async () => {
  engine = await loadAuditEngine();
  ouc = await loadProgrammeFile(new URL('../../../frameworks/programmes/ouc-open-education-associate.json', import.meta.url).pathname);
});

/** 18 required courses of 3 credits (54) including a 4-credit practice, plus 7 electives of 3: 79 credits. */
function record(): AuditItem[] {
  const required = Array.from({ length: 17 }, (_, n) => item(`r${n}`, { eligibleFor: ['required'], provider: 'cn-ouc', sourceKind: 'ouc-course', atAwardingInstitution: true, date: '2022-03-01' }));
  const practice = item('practice', { credits: 4, eligibleFor: ['required', 'ouc-practice'], provider: 'cn-ouc', sourceKind: 'ouc-course', atAwardingInstitution: true, date: '2023-06-01' });
  const electives = Array.from({ length: 7 }, (_, n) => item(`e${n}`, { eligibleFor: ['elective'], provider: 'cn-ouc', sourceKind: 'ouc-course', atAwardingInstitution: true, date: '2023-03-01' }));
  return [...required, practice, ...electives];
}
const options = { asOf: '2024-07-01' };

describe('Open University of China associate programme', () => {
  it('is complete with 76 credits or more, required courses and the integrated practice', () => {
    const result = engine.audit(ouc, record(), options);
    expect(result.complete).toBe(true);
    expect(result.totalCounted.toString()).toBe('76');
  });

  it('does not let recognised self-study exams replace more than 40 % of the required credit', () => {
    const items = record().map((i, n) => n < 17 ? { ...i, sourceKind: 'self-study-exam', viaRecognition: true, atAwardingInstitution: false, eligibleFor: ['required'], provider: 'cn-self-study' } : i);
    const result = engine.audit(ouc, items, options);
    const cap = result.caps.find((c) => c.id === 'self-study-exam-replacement')!;
    expect(cap.groups[0]!.limit.toString()).toBe('18.4');
    expect(cap.groups[0]!.used.toString()).toBe('18');
    expect(result.complete).toBe(false);
  });

  it('needs the integrated practice earned in the programme, not recognised', () => {
    const items = record().map((i) => i.id === 'practice' ? { ...i, viaRecognition: true } : i);
    const result = engine.audit(ouc, items, options);
    expect(result.requirements.find((r) => r.id === 'practice')!.status).toBe('not');
    expect(result.complete).toBe(false);
  });

  it('drops credit older than the eight-year study period', () => {
    const items = record().map((i) => i.id === 'r0' ? { ...i, date: '2016-06-30' } : i);
    const result = engine.audit(ouc, items, options);
    expect(result.unused).toEqual([expect.objectContaining({ itemId: 'r0', reason: 'too-old' })]);
  });
});
