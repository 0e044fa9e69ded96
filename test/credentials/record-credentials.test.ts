import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, createLearner, publishItem, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';
import { deposit as depositItem, depositBody, insertItem } from '../records/fixtures.js';

let t: TestApp;
let op: string;
let inst: TestInstitution;
let learner: TestLearner;

beforeAll(async () => {
  ({ t, op, inst } = await institutionApp());
  learner = await createLearner(t.app, inst.token);
});
afterAll(async () => t.close());

async function deposit(): Promise<string> {
  const item = await publishItem(t.app, inst);
  const res = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/achievements`, headers: bearer(inst.token),
    payload: { externalId: `ext-${item.id}`, catalogueItemId: item.id, result: '88', completedOn: '2025-06-30' } });
  if (res.statusCode !== 201) throw new Error(`deposit: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

const verify = async (vc: unknown) => (await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();

describe('credentials for record achievements', () => {
  it('issues an OB 3.0 credential with catalogue and record data, a hashed subject, and the same one again on retry', async () => {
    const achievementId = await deposit();
    const issue = () => t.app.inject({ method: 'POST', url: `/learners/${learner.id}/credentials`, headers: bearer(inst.token), payload: { achievementId } });
    const res = await issue();
    expect(res.statusCode, res.body).toBe(201);
    const vc = res.json().verifiableCredential;
    expect(vc.issuer.id).toBe(inst.did);
    const s = vc.credentialSubject;
    expect(s.id).toBeUndefined();
    expect(s.identifier[0].identityHash).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(JSON.stringify(vc)).not.toContain(learner.residentId);
    expect(s).toMatchObject({ creditsEarned: 3, result: [{ value: '88' }], achievement: { achievementType: 'Course', creditsAvailable: 3, fieldOfStudy: '0613' } });
    expect(s.achievement.alignment[0]).toMatchObject({ targetFramework: 'gd-ltlqf', targetCode: '5' });
    const report = await verify(vc);
    expect(report.verified).toBe(true);
    expect(report.summary).toMatchObject({ result: '88', activityEndDate: s.activityEndDate, creditsEarned: 3 });
    const again = await issue();
    expect(again.statusCode).toBe(200);
    expect(again.json().verifiableCredential).toEqual(vc);
  });

  it('revoking the achievement in the record revokes the credential resting on it', async () => {
    const achievementId = await deposit();
    const vc = (await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/credentials`, headers: bearer(inst.token), payload: { achievementId, format: 'vc+jwt' } })).json().verifiableCredential;
    const rev = await t.app.inject({ method: 'POST', url: `/achievements/${achievementId}/revocations`, headers: bearer(inst.token), payload: { reason: 'exam misconduct' } });
    expect(rev.statusCode, rev.body).toBeLessThan(300);
    expect(await verify(vc)).toMatchObject({ verified: false, reason: 'credential_revoked' });
  });

  it('another institution cannot credential this institution\'s achievement', async () => {
    const achievementId = await deposit();
    const other = await createInstitution(t.app, op);
    const res = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/credentials`, headers: bearer(other.token), payload: { achievementId } });
    expect(res.statusCode).toBe(403);
  });

  it('the learner gets a bank-issued CLR 2.0 bundling their achievement credentials, and it verifies', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/clr`, headers: bearer(learner.token), payload: {} });
    expect(res.statusCode, res.body).toBe(201);
    const clr = res.json().verifiableCredential;
    expect(clr.type).toContain('ClrCredential');
    expect(clr.issuer.id).toBe('did:web:bank.test');
    expect(clr.credentialSubject.verifiableCredential.length).toBeGreaterThan(0);
    const r = await verify(clr);
    expect(r.errors).toEqual([]);
    expect(r.verified).toBe(true);
  });
});

describe('micro-major completion credentials', () => {
  it('are issued by the micro-major\'s institution only once its completion rule is met, and fall with a counted component', async () => {
    const a = await insertItem(t.ctx.db, inst.id, { code: 'MMC-A', credits: '3' });
    const b = await insertItem(t.ctx.db, inst.id, { code: 'MMC-B', credits: '4' });
    const c = await insertItem(t.ctx.db, inst.id, { code: 'MMC-C', credits: '2' });
    const microMajorId = await insertItem(t.ctx.db, inst.id, { code: 'MMC', kind: 'micro-major', credits: '9', completionRule: { type: 'n-of', n: 2 }, components: [a, b, c] });
    const issue = (token = inst.token) => t.app.inject({ method: 'POST', url: `/learners/${learner.id}/credentials`, headers: bearer(token), payload: { microMajorId } });
    const first = (await depositItem(t.app, inst.token, learner.id, depositBody(a))).json().id;

    const early = await issue();
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('micro_major_incomplete');

    await depositItem(t.app, inst.token, learner.id, depositBody(b, { completedOn: '2024-12-20' }));
    const other = await createInstitution(t.app, op);
    expect((await issue(other.token)).statusCode).toBe(403);
    const res = await issue();
    expect(res.statusCode, res.body).toBe(201);
    const vc = res.json().verifiableCredential;
    expect(vc.issuer.id).toBe(inst.did);
    expect(vc.credentialSubject).toMatchObject({ creditsEarned: 7, activityEndDate: '2024-12-20T00:00:00Z', achievement: { achievementType: 'MicroCredential', humanCode: 'MMC' } });
    expect((await issue()).statusCode).toBe(200);
    expect((await verify(vc)).results.find((r: any) => r.check === 'status').status).toBe('pass');

    await t.app.inject({ method: 'POST', url: `/achievements/${first}/revocations`, headers: bearer(inst.token), payload: { reason: 'Deposited in error' } });
    expect((await verify(vc)).reason).toBe('credential_revoked');
  });
});
