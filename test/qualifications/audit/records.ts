import { Decimal } from 'decimal.js';
import type { AuditItem } from '../../../src/qualifications/audit/programme.js';

/** Builds an audit item with realistic defaults; tests override what they care about. */
export function item(id: string, overrides: Partial<Omit<AuditItem, 'credits'>> & { credits?: Decimal.Value } = {}): AuditItem {
  const { credits, ...rest } = overrides;
  return {
    id, credits: new Decimal(credits ?? 3), eligibleFor: [], provider: 'provider-a', sourceKind: 'accredited-course',
    atAwardingInstitution: false, viaRecognition: false, date: '2022-03-15', passing: true,
    catalogueItemId: `cat-${id}`, title: `Course ${id}`, ...rest,
  };
}

/** The date of the n-th course when a learner takes `perTerm` courses in each half-year from 2020. */
export function termDate(n: number, perTerm: number): string {
  const term = Math.floor(n / perTerm);
  return `${2020 + Math.floor(term / 2)}-${term % 2 === 0 ? '04' : '10'}-15`;
}

/**
 * A complete Korean credit-bank bachelor record (exactly 140 credits): 14 major, 10 general and
 * 16 elective courses of 3 credits, seven a semester (21 credits, 42 a year), alternating between two
 * providers, and a 20-credit certificate toward the major (62 major credits).
 */
export function koreanCompleteRecord(): AuditItem[] {
  const courses: AuditItem[] = [];
  let majors = 0;
  for (let n = 0; n < 40; n++) {
    const category = n % 4 === 1 ? 'general' : majors < 14 ? 'major' : 'elective';
    if (category === 'major') majors += 1;
    courses.push(item(`c${n}`, { eligibleFor: [category], provider: n % 2 === 0 ? 'provider-a' : 'provider-b', date: termDate(n, 7) }));
  }
  const certificate = item('cert-info', { credits: 20, eligibleFor: ['major'], provider: 'hrd-korea', sourceKind: 'certificate', date: '2021-06-01', catalogueItemId: 'cert-engineer-information-processing' });
  return [...courses, certificate];
}
