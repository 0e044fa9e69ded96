import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { bearer, courseInput, createInstitution, createLearner, type TestInstitution, type TestLearner } from '../helpers/factories.js';
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

const json = { 'content-type': 'application/x-ndjson' };

interface Course { key: string; field: string; credits?: string; kind?: string; title: string }

/** Publishes an institution's courses in one NDJSON batch (one request, not one per item). */
async function publishCourses(app: FastifyInstance, inst: TestInstitution, courses: Course[], items: Record<string, string>): Promise<void> {
  const lines = courses.map((c) => JSON.stringify(courseInput({
    kind: c.kind ?? 'course', credits: c.credits ?? '3', creditSystemId: 'kr-acbs', iscedCode: c.field, notionalHours: undefined,
    effectiveFrom: '2019-01-01', title: { zh: c.title, en: c.title },
  })));
  const res = await app.inject({ method: 'POST', url: `/institutions/${inst.id}/catalogue/batches`, headers: { ...bearer(inst.token), ...json }, payload: `${lines.join('\n')}\n` });
  const results = res.json().results as { line: number; status: string; id?: string }[];
  if (res.statusCode !== 200 || results.some((r) => r.status !== 'accepted')) throw new Error(`catalogue batch: ${res.statusCode} ${res.body}`);
  for (const r of results) items[courses[r.line - 1]!.key] = r.id!;
}

/** NILE (slug kr-nile, the fixture's awarding institution), two course providers and a certification body. */
export async function koreanWorld(app: FastifyInstance, opToken: string): Promise<KoreanWorld> {
  const nile = await createInstitution(app, opToken, { ...KR, kind: 'credit-bank', slug: 'kr-nile', name: { en: 'National Institute for Lifelong Education', zh: '韩国国家终身教育振兴院' } });
  const providerA = await createInstitution(app, opToken, { ...KR, kind: 'training-provider' });
  const providerB = await createInstitution(app, opToken, { ...KR, kind: 'training-provider' });
  const hrd = await createInstitution(app, opToken, { ...KR, kind: 'certification-body' });
  const items: Record<string, string> = {};
  const fields = { major: '0613', general: '0231', elective: '0311' };
  const per = (key: 'a' | 'b') => COURSES.map((category, n) => ({ key: `${key}-${n}`, field: fields[category], title: `${category} course ${n}` }));
  await publishCourses(app, providerA, [...per('a'), { key: 'a-general-2', field: '0231', credits: '2', title: 'Writing (2 credits)' },
    { key: 'a-elective-1', field: '0311', credits: '1', title: 'Seminar (1 credit)' }], items);
  await publishCourses(app, providerB, [...per('b'), { key: 'b-general-extra', field: '0231', title: 'Korean literature' }], items);
  await publishCourses(app, hrd, [{ key: 'certificate', field: '0613', credits: '20', kind: 'certificate', title: 'Engineer Information Processing' }], items);
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
  const byProvider = new Map<TestInstitution, object[]>();
  const add = (inst: TestInstitution, itemId: string, completedOn: string, externalId: string) =>
    byProvider.set(inst, [...(byProvider.get(inst) ?? []), { learnerId: learner.id, externalId, catalogueItemId: itemId, result: '85', completedOn }]);
  for (let n = 0; n < COURSES.length; n++) {
    const onA = shape === 'one-provider' || n % 2 === 0;
    const key = shape === 'general-short' && n === 1 ? 'a-general-2' : `${onA ? 'a' : 'b'}-${n}`;
    add(key.startsWith('a') ? w.providerA : w.providerB, w.items[key]!, termDate(n, 7), `${learner.id}-${n}`);
  }
  add(w.hrd, w.items.certificate!, '2021-06-01', `${learner.id}-cert`);
  if (shape === 'general-short') add(w.providerA, w.items['a-elective-1']!, '2023-04-01', `${learner.id}-extra`);
  for (const [inst, lines] of byProvider) await depositBatch(app, inst, lines);
}

/** One NDJSON batch of deposits by one institution; every line must be accepted. */
async function depositBatch(app: FastifyInstance, inst: TestInstitution, lines: object[]): Promise<void> {
  const res = await app.inject({ method: 'POST', url: '/achievements/batches', headers: { ...bearer(inst.token), ...json }, payload: `${lines.map((l) => JSON.stringify(l)).join('\n')}\n` });
  const out = res.body.trim().split('\n').map((l) => JSON.parse(l) as { summary?: { accepted: number } });
  if (res.statusCode !== 200 || out.at(-1)?.summary?.accepted !== lines.length) throw new Error(`deposit batch: ${res.statusCode} ${res.body}`);
}

export async function enrol(app: FastifyInstance, learner: TestLearner, version = '2024.2') {
  return app.inject({ method: 'POST', url: `/learners/${learner.id}/enrolments`, headers: bearer(learner.token), payload: { programmeId: 'korea-acbs-bachelor', version } });
}

export { createLearner };
