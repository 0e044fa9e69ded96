import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAchievementCredential } from '../../src/credentials/core/open-badge-checks.js';
import { bearer, createLearner, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';
import { deposit, depositBody, insertItem } from '../records/fixtures.js';

let t: TestApp;
let inst: TestInstitution;
let learner: TestLearner;

beforeAll(async () => {
  ({ t, inst } = await institutionApp());
  learner = await createLearner(t.app, inst.token);
});
afterAll(async () => t.close());

async function depositOf(gradingSchemeId: string, result: string): Promise<string> {
  const item = await insertItem(t.ctx.db, inst.id, { gradingSchemeId, credits: '3' });
  const res = await deposit(t.app, inst.token, learner.id, depositBody(item, { result, completedOn: '2025-01-15', term: '2024-autumn' }));
  if (res.statusCode !== 201) throw new Error(`deposit: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

const issue = (achievementId: string, format: string) =>
  t.app.inject({ method: 'POST', url: `/learners/${learner.id}/credentials`, headers: bearer(inst.token), payload: { achievementId, format } });
const verify = async (vc: unknown) => (await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();

/** The credential inside a JWT (its payload), for shape assertions. */
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

describe('achievement credentials describe the result the record holds', () => {
  it('a percentage result points at a Percent ResultDescription requiring the pass mark, with the record\'s activity date and term', async () => {
    const id = await depositOf('percentage', '72');
    const res = await issue(id, 'eddsa-rdfc-2022');
    expect(res.statusCode, res.body).toBe(201);
    const vc = res.json().verifiableCredential;
    const s = vc.credentialSubject;
    const [rd] = s.achievement.resultDescription;
    expect(rd).toEqual({
      id: `${s.achievement.id}#result-percentage`, type: ['ResultDescription'], name: '百分制 Percentage mark',
      resultType: 'Percent', valueMin: '0', valueMax: '100', requiredValue: '60',
    });
    expect(s.result).toEqual([{ type: ['Result'], resultDescription: rd.id, value: '72' }]);
    expect(s).toMatchObject({ activityEndDate: '2025-01-15T00:00:00Z', term: '2024-autumn' });
    expect(s.activityStartDate).toBeUndefined();
    expect(checkAchievementCredential(vc)).toEqual([]);
  });

  it('an ordinal result lists the allowed grades lowest first and requires the lowest passing one', async () => {
    const id = await depositOf('letter-af', 'B');
    const vc = (await issue(id, 'eddsa-jcs-2022')).json().verifiableCredential;
    expect(vc.credentialSubject.achievement.resultDescription[0]).toMatchObject({ resultType: 'LetterGrade', allowedValue: ['F', 'D', 'C', 'B', 'A'], requiredValue: 'D' });
    expect(vc.credentialSubject.result[0]).toMatchObject({ value: 'B', resultDescription: vc.credentialSubject.achievement.resultDescription[0].id });
  });

  for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc+jwt'] as const) {
    it(`verifies as ${format} with every check passing, and fails once the required result is altered`, async () => {
      const id = await depositOf('cn-five-grade', '良');
      const res = await issue(id, format);
      expect(res.statusCode, res.body).toBe(201);
      const vc = res.json().verifiableCredential;
      const doc = format === 'vc+jwt' ? payloadOf(vc) : vc;
      expect(doc.credentialSubject.achievement.resultDescription[0]).toMatchObject({ resultType: 'PerformanceLevel', requiredValue: '及格' });
      const good = await verify(vc);
      expect(good.errors).toEqual([]);
      expect(good.verified).toBe(true);
      expect(good.results.find((r: { check: string }) => r.check === 'shape').status).toBe('pass');

      let tampered: unknown;
      if (format === 'vc+jwt') {
        const [h, , sig] = (vc as string).split('.');
        const body = { ...doc, credentialSubject: { ...doc.credentialSubject, achievement: { ...doc.credentialSubject.achievement, resultDescription: [{ ...doc.credentialSubject.achievement.resultDescription[0], requiredValue: '不及格' }] } } };
        tampered = `${h}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${sig}`;
      } else {
        tampered = structuredClone(vc);
        (tampered as any).credentialSubject.achievement.resultDescription[0].requiredValue = '不及格';
      }
      const bad = await verify(tampered);
      expect(bad.verified).toBe(false);
      expect(bad.results.find((r: { check: string }) => r.check === 'proof').status).toBe('fail');
    });
  }
});
