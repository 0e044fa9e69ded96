import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInclusion } from '../../src/ledger/audit/check-inclusion.js';
import { resolverFromJwks } from '../../src/ledger/tree-head-keys.js';
import { bearer, createInstitution, createLearner, issueVc, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let op: string;
let inst: TestInstitution;

beforeAll(async () => ({ t, op, inst } = await institutionApp()));
afterAll(async () => t.close());

const setStatus = (id: string, action: string) =>
  t.app.inject({ method: 'POST', url: `/credentials/${id}/status`, headers: bearer(inst.token), payload: { action, reason: `${action} for test` } });

describe('the ledger database check covers credentials, keys and imports', () => {
  it('rebuilds every credentials-domain event body from the rows, and names a row changed behind the service', async () => {
    const suspended = await issueVc(t.app, inst, { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'suspension'] } });
    expect((await setStatus(suspended.id, 'suspend')).statusCode).toBe(200);
    expect((await setStatus(suspended.id, 'unsuspend')).statusCode).toBe(200);
    const revoked = await issueVc(t.app, inst, { proofFormat: 'vc+jwt' });
    expect((await setStatus(revoked.id, 'revoke')).statusCode).toBe(200);
    const rot = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/keys/rotate`, headers: bearer(inst.token) });
    expect(rot.statusCode).toBe(201);
    const rev = await t.app.inject({ method: 'POST', url: `/keys/${rot.json().keyId}/revoke`, headers: bearer(op), payload: { reason: 'compromised' } });
    expect(rev.statusCode).toBe(200);
    const learner = await createLearner(t.app, op);
    const imp = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/imports`, headers: bearer(learner.token), payload: { credential: suspended.vc } });
    expect(imp.statusCode).toBe(201);

    const report = await t.ctx.ledgerService.checkDatabase();
    expect(report.problems).toEqual([]);
    for (const type of ['credential', 'key', 'credential_import']) expect(report.uncheckedByType[type]).toBeUndefined();

    await t.ctx.db.updateTable('credentials').set({ status_reason: 'rewritten' }).where('id', '=', revoked.id).execute();
    const after = await t.ctx.ledgerService.checkDatabase();
    expect(after.problems.map((p) => [p.kind, p.eventType, p.resourceId])).toEqual([['body-digest-mismatch', 'credential.revoked', revoked.id]]);
  });
});

describe('credentials reference their ledger entry', () => {
  it('reports pending before integration, then verifies the inclusion proof against the signed tree head', async () => {
    // A fresh issuer: the test above revoked a key of `inst`.
    const fresh = await createInstitution(t.app, op);
    const { vc, id } = await issueVc(t.app, fresh);
    const verify = async () => (await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();
    await t.ctx.ledgerService.integrate();
    const another = await issueVc(t.app, fresh, { cryptosuite: 'eddsa-jcs-2022' });
    const pending = await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: another.vc } }).then((r) => r.json());
    expect(pending.verified).toBe(true);
    expect(pending.results.find((r: any) => r.check === 'ledger')).toMatchObject({ status: 'skip', code: 'ledger_pending' });
    expect((await t.app.inject({ method: 'GET', url: `/credentials/${another.id}/ledger-proof` })).json()).toMatchObject({ state: 'pending' });

    await t.ctx.ledgerService.integrate();
    const included = await verify();
    expect(included.verified).toBe(true);
    expect(included.results.find((r: any) => r.check === 'ledger')).toMatchObject({ status: 'pass' });
    expect(included.results.find((r: any) => r.check === 'ledger').message).toMatch(/inclusion proof verified/);

    const res = await t.app.inject({ method: 'GET', url: `/credentials/${id}/ledger-proof` });
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.state).toBe('included');
    const jwks = (await t.app.inject({ method: 'GET', url: '/ledger/keys' })).json();
    expect((await checkInclusion(p.entry, p.proof, p.treeHead, resolverFromJwks(jwks))).ok).toBe(true);
    const forged = { ...p.entry, bodyDigest: 'f'.repeat(64) };
    expect((await checkInclusion(forged, p.proof, p.treeHead, resolverFromJwks(jwks))).ok).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: '/credentials/00000000-0000-4000-8000-000000000000/ledger-proof' })).statusCode).toBe(404);
  });
});

describe('verification reads what can change on every request', () => {
  const verify = async (vc: unknown) => (await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();
  const ledgerCheck = (report: any) => report.results.find((r: any) => r.check === 'ledger');

  it('proves inclusion in the latest signed head, not in the head of an earlier verification', async () => {
    const fresh = await createInstitution(t.app, op);
    const { vc, id } = await issueVc(t.app, fresh);
    await t.ctx.ledgerService.integrate();
    const size1 = (await t.ctx.ledgerService.latestTreeHead()).treeSize;
    expect(ledgerCheck(await verify(vc)).message).toMatch(new RegExp(`signed tree of size ${size1}$`));
    await issueVc(t.app, fresh, { proofFormat: 'vc+jwt' });
    await t.ctx.ledgerService.integrate();
    const size2 = (await t.ctx.ledgerService.latestTreeHead()).treeSize;
    expect(size2).toBeGreaterThan(size1);
    expect(ledgerCheck(await verify(vc))).toMatchObject({ status: 'pass', message: expect.stringMatching(new RegExp(`signed tree of size ${size2}$`)) });
    expect((await t.app.inject({ method: 'GET', url: `/credentials/${id}/ledger-proof` })).json().treeHead.treeSize).toBe(size2);
  });

  it('sees a revocation on the very next verification', async () => {
    const fresh = await createInstitution(t.app, op);
    const { vc, id } = await issueVc(t.app, fresh);
    await t.ctx.ledgerService.integrate();
    expect((await verify(vc)).verified).toBe(true);
    expect((await t.app.inject({ method: 'POST', url: `/credentials/${id}/status`, headers: bearer(fresh.token), payload: { action: 'revoke', reason: 'test' } })).statusCode).toBe(200);
    const after = await verify(vc);
    expect(after.verified).toBe(false);
    expect(after.results.find((r: any) => r.check === 'status')).toMatchObject({ status: 'fail', code: 'credential_revoked' });
  });

  it('sees a key revocation on the very next verification', async () => {
    const fresh = await createInstitution(t.app, op);
    const { vc } = await issueVc(t.app, fresh);
    expect((await verify(vc)).verified).toBe(true);
    const keyId = String((vc as { proof: { verificationMethod: string } }).proof.verificationMethod).split('#')[1];
    expect((await t.app.inject({ method: 'POST', url: `/keys/${keyId}/revoke`, headers: bearer(op), payload: { reason: 'compromised' } })).statusCode).toBe(200);
    const after = await verify(vc);
    expect(after.verified).toBe(false);
    expect(after.results.find((r: any) => r.check === 'proof')).toMatchObject({ status: 'fail', code: 'key_revoked' });
  });
});
