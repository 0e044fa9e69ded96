import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { bearer, createInstitution, createLearner, publishItem, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { termDate } from './audit/records.js';

const FIXTURE = new URL('../../frameworks/programmes/korea-acbs-bachelor.json', import.meta.url);

/** The shipped Korean bachelor, republished by "NILE" as a new version with a record mapping. */
export function koreanProgramme(version = '2024.2'): Record<string, unknown> {
  return { ...JSON.parse(readFileSync(FIXTURE, 'utf8')), version };
}

/** Computing courses (ISCED-F 0613) count toward the major, language courses (0231) toward general education. */
export const KOREAN_MAPPING = {
  eligibility: [{ match: { fields: ['0613'] }, to: ['major'] }, { match: { fields: ['0231'] }, to: ['general'] }],
  sourceKinds: [{ match: { kinds: ['course'] }, kind: 'accredited-course' }],
};

export interface KoreanWorld {
  nile: TestInstitution; providerA: TestInstitution; providerB: TestInstitution; hrd: TestInstitution;
  /** Catalogue items: [providerA, providerB] × major / general / elective, and extras. */
  items: Record<string, string>;
}

const KR = { country: 'KR', uscc: undefined };

async function course(app: FastifyInstance, inst: TestInstitution, field: string, credits = '3', kind = 'course', title = 'Course'): Promise<string> {
  const item = await publishItem(app, inst, {
    kind, credits, creditSystemId: 'kr-acbs', iscedCode: field, notionalHours: undefined, effectiveFrom: '2019-01-01', title: { zh: title, en: title },
  });
  return item.id as string;
}

/** NILE (slug kr-nile, the fixture's awarding institution), two course providers and a certification body. */
export async function koreanWorld(app: FastifyInstance, opToken: string): Promise<KoreanWorld> {
  const nile = await createInstitution(app, opToken, { ...KR, kind: 'credit-bank', slug: 'kr-nile', name: { en: 'National Institute for Lifelong Education', zh: '韩国国家终身教育振兴院' } });
  const providerA = await createInstitution(app, opToken, { ...KR, kind: 'training-provider' });
  const providerB = await createInstitution(app, opToken, { ...KR, kind: 'training-provider' });
  const hrd = await createInstitution(app, opToken, { ...KR, kind: 'certification-body' });
  const items: Record<string, string> = {};
  const fields = { major: '0613', general: '0231', elective: '0311' };
  for (const [n, category] of COURSES.entries()) {
    for (const [key, inst] of [['a', providerA], ['b', providerB]] as const) {
      items[`${key}-${n}`] = await course(app, inst, fields[category], '3', 'course', `${category} course ${n}`);
    }
  }
  items['a-general-2'] = await course(app, providerA, '0231', '2', 'course', 'Writing (2 credits)');
  items['a-elective-1'] = await course(app, providerA, '0311', '1', 'course', 'Seminar (1 credit)');
  items['b-general-extra'] = await course(app, providerB, '0231', '3', 'course', 'Korean literature');
  items.certificate = await course(app, hrd, '0613', '20', 'certificate', 'Engineer Information Processing');
  const res = await app.inject({ method: 'POST', url: `/institutions/${nile.id}/programmes`, headers: bearer(nile.token), payload: { programme: koreanProgramme(), mapping: KOREAN_MAPPING } });
  if (res.statusCode !== 201) throw new Error(`programme: ${res.statusCode} ${res.body}`);
  return { nile, providerA, providerB, hrd, items };
}

/** The 40 courses of the record: 14 major, 10 general (every fourth from the second), 16 elective. */
const COURSES: ('major' | 'general' | 'elective')[] = (() => {
  let majors = 0;
  return Array.from({ length: 40 }, (_, n) => {
    if (n % 4 === 1) return 'general' as const;
    if (majors < 14) { majors += 1; return 'major' as const; }
    return 'elective' as const;
  });
})();

export type Shape = 'complete' | 'general-short' | 'one-provider';

/**
 * Deposits a Korean credit-bank record like the engine's koreanCompleteRecord: 40 three-credit
 * courses (14 major, 10 general, 16 elective), seven a semester, alternating providers, plus a
 * 20-credit certificate toward the major: 140 credits. Variants break one rule.
 */
export async function depositKoreanRecord(app: FastifyInstance, w: KoreanWorld, learner: TestLearner, shape: Shape): Promise<void> {
  for (let n = 0; n < COURSES.length; n++) {
    const onA = shape === 'one-provider' || n % 2 === 0;
    const key = shape === 'general-short' && n === 1 ? 'a-general-2' : `${onA ? 'a' : 'b'}-${n}`;
    await deposit(app, key.startsWith('a') ? w.providerA : w.providerB, learner, w.items[key]!, termDate(n, 7), `${learner.id}-${n}`);
  }
  await deposit(app, w.hrd, learner, w.items.certificate!, '2021-06-01', `${learner.id}-cert`);
  if (shape === 'general-short') await deposit(app, w.providerA, learner, w.items['a-elective-1']!, '2023-04-01', `${learner.id}-extra`);
}

async function deposit(app: FastifyInstance, inst: TestInstitution, learner: TestLearner, itemId: string, date: string, externalId: string): Promise<void> {
  const res = await app.inject({
    method: 'POST', url: `/learners/${learner.id}/achievements`, headers: bearer(inst.token),
    payload: { externalId, catalogueItemId: itemId, result: '85', completedOn: date },
  });
  if (res.statusCode !== 201) throw new Error(`deposit: ${res.statusCode} ${res.body}`);
}

export async function enrol(app: FastifyInstance, learner: TestLearner, version = '2024.2') {
  return app.inject({ method: 'POST', url: `/learners/${learner.id}/enrolments`, headers: bearer(learner.token), payload: { programmeId: 'korea-acbs-bachelor', version } });
}

export { createLearner };
