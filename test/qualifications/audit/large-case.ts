import { Decimal } from 'decimal.js';
import type { AuditItem, Cap, Programme, Requirement } from '../../../src/qualifications/audit/programme.js';

/** Deterministic PRNG (mulberry32) so the large case is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kinds = ['course', 'mooc', 'certificate', 'exam'];

/** A programme with 40 requirements (10 categories, 10 minimums, 15 required items, 5 choice groups) and 5 kinds of caps. */
export function largeProgramme(): Programme {
  const text = (en: string) => ({ en });
  const requirements: Requirement[] = [];
  for (let c = 0; c < 10; c++) requirements.push({ id: `cat${c}`, kind: 'category', name: text(`Category ${c}`), minCredits: String(8 + c), ...(c % 3 === 0 ? { maxCredits: String(40 + c) } : {}), ...(c === 9 ? { acceptsAny: true } : {}) });
  for (let m = 0; m < 10; m++) requirements.push({ id: `min${m}`, kind: 'minimum', name: text(`Minimum ${m}`), filter: m % 2 === 0 ? { sourceKinds: [kinds[m % 4]!] } : { atAwardingInstitution: true }, minCredits: String(6 + m), ...(m % 3 === 0 ? { scope: [`cat${m}`] } : {}) });
  for (let r = 0; r < 15; r++) requirements.push({ id: `req${r}`, kind: 'required', name: text(`Required ${r}`), catalogueItemIds: [`item${r * 7}`] });
  for (let g = 0; g < 5; g++) requirements.push({ id: `choice${g}`, kind: 'choice', name: text(`Choice ${g}`), catalogueItemIds: [0, 1, 2, 3, 4].map((k) => `item${120 + g * 10 + k}`), choose: 2 });
  const caps: Cap[] = [
    { id: 'provider', name: text('per provider'), per: 'provider', maxCredits: '105' },
    { id: 'year', name: text('per year'), per: 'year', filter: { sourceKinds: ['course', 'mooc'] }, maxCredits: '42' },
    { id: 'term', name: text('per term'), per: 'term', filter: { sourceKinds: ['course', 'mooc'] }, maxCredits: '24' },
    { id: 'kind', name: text('per kind'), per: 'sourceKind', filter: { sourceKinds: ['certificate', 'exam'] }, maxCredits: '30' },
    { id: 'recognition', name: text('recognition'), per: 'all', filter: { viaRecognition: true }, maxFraction: '0.5' },
  ];
  return { id: 'large', version: '1', name: text('Large programme'), awardingInstitution: 'inst', frameworkLevel: { framework: 'eqf', level: '6' },
    creditSystem: 'ects', totalCredits: '180', requirements, caps, recencyYears: 10, termStartMonths: [3, 9], sources: [{ title: 'synthetic', url: 'https://example.org', confirms: [] }] };
}

/** `count` items spread over 8 years, 8 providers and 4 kinds; about 5 % failing and 5 % duplicates. */
export function largeRecord(count: number, seed = 7): AuditItem[] {
  const rnd = random(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  return Array.from({ length: count }, (_, n) => {
    const categories = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => `cat${Math.floor(rnd() * 9)}`);
    const year = 2016 + Math.floor(rnd() * 8);
    return {
      id: `i${n}`, credits: new Decimal(pick(['1', '2', '3', '3', '4', '1.5'])), eligibleFor: [...new Set(categories)],
      provider: `p${Math.floor(rnd() * 8)}`, sourceKind: pick(kinds), atAwardingInstitution: rnd() < 0.4, viaRecognition: rnd() < 0.3,
      date: `${year}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-10`, passing: rnd() > 0.05,
      catalogueItemId: `item${n}`, ...(rnd() < 0.05 ? { duplicateKey: `dup${Math.floor(rnd() * 5)}` } : {}),
    };
  });
}
