import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentLoader } from '../../src/credentials/core/document-loader.js';
import { generateKey } from '../../src/credentials/core/keys.js';
import { decodeBitstring, getBit } from '../../src/credentials/core/status-list.js';
import { signCredential } from '../../src/credentials/core/suites.js';
import { bearer, createInstitution, issueVc, obCredential, operatorToken, type TestInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { oneEdTechControllers } from '../helpers/vectors.js';
import { VerifierService } from '../../src/credentials/verify/verifier.service.js';

let t: TestApp;
let op: string;
let inst: TestInstitution;

beforeAll(async () => {
  t = await createTestApp({ config: { pinnedControllers: oneEdTechControllers() } });
  op = await operatorToken(t.app);
  inst = await createInstitution(t.app, op);
});
afterAll(async () => t.close());

const verify = async (vc: unknown) => (await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();
const setStatus = (id: string, action: string, token = inst.token) =>
  t.app.inject({ method: 'POST', url: `/credentials/${id}/status`, headers: bearer(token), payload: { action, reason: 'test' } });

describe('each failure has its own reason', () => {
  it('tampering with any field of a Data Integrity credential breaks the proof', async () => {
    const { vc } = await issueVc(t.app, inst);
    const signed = vc as any;
    for (const mutate of [(c: any) => { c.name = 'Forged'; }, (c: any) => { c.credentialSubject.creditsEarned = 30; },
      (c: any) => { c.credentialSubject.achievement.name = '伪造'; }, (c: any) => { c.validFrom = '2020-01-01T00:00:00Z'; }]) {
      const copy = structuredClone(signed);
      mutate(copy);
      const r = await verify(copy);
      expect(r.verified).toBe(false);
      expect(r.reason).toBe('invalid_signature');
    }
  });

  it('tampering with a JWT payload breaks the proof', async () => {
    const { vc } = await issueVc(t.app, inst, { proofFormat: 'vc+jwt' });
    const [h, p, s] = (vc as string).split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.credentialSubject.creditsEarned = 99;
    const r = await verify(`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`);
    expect(r.reason).toBe('invalid_signature');
  });

  it('a revoked credential fails with credential_revoked, and only its issuer may revoke', async () => {
    const { vc, id } = await issueVc(t.app, inst);
    const other = await createInstitution(t.app, op);
    expect((await setStatus(id, 'revoke', other.token)).statusCode).toBe(403);
    expect((await setStatus(id, 'revoke')).json()).toMatchObject({ status: 'revoked', changed: true });
    const r = await verify(vc);
    expect(r).toMatchObject({ verified: false, reason: 'credential_revoked' });
    expect(r.checks).toContain('proof');
  });

  it('a suspended credential fails with credential_suspended and verifies again once unsuspended', async () => {
    const { vc, id } = await issueVc(t.app, inst, { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'suspension'] } });
    await setStatus(id, 'suspend');
    expect((await verify(vc)).reason).toBe('credential_suspended');
    await setStatus(id, 'unsuspend');
    expect((await verify(vc)).verified).toBe(true);
  });

  it('a status entry naming no position of our list, or a list of another purpose, fails the status check with its own code', async () => {
    const { vc } = await issueVc(t.app, inst, { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'suspension'] } });
    const status = async (mutate: (entries: any[]) => void) => {
      const copy = structuredClone(vc) as any;
      mutate(copy.credentialStatus);
      const r = await verify(copy);
      expect(r.reason, 'the altered credential no longer matches its proof').toBe('invalid_signature');
      return r.results.find((x: any) => x.check === 'status');
    };
    // Past the end of the list (131,072 bits), far past it, and not an integer: a failed check, never a server error.
    for (const index of ['131072', '999999999999', '12.5', '-1']) {
      expect(await status((e) => { e[0].statusListIndex = index; }), index).toMatchObject({ status: 'fail', code: 'status_index_invalid' });
    }
    expect(await status((e) => { e[0].statusPurpose = 'suspension'; })).toMatchObject({ status: 'fail', code: 'status_purpose_mismatch' });
    const unknownList = (e: any[]) => { e[0].statusListCredential = e[0].statusListCredential.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000'); };
    expect(await status(unknownList)).toMatchObject({ status: 'fail', code: 'status_list_unknown' });
    expect(await status((e) => { e[0].statusListCredential = e[0].statusListCredential.replace(/[0-9a-f-]{36}$/, '-'.repeat(36)); }))
      .toMatchObject({ status: 'fail', code: 'status_list_unknown' });
  });

  it('an expired credential fails with expired, a future one with not_yet_valid', async () => {
    const expired = await issueVc(t.app, inst, {}, obCredential(inst.did, { validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' }));
    expect((await verify(expired.vc)).reason).toBe('expired');
    const future = await issueVc(t.app, inst, {}, obCredential(inst.did, { validFrom: '2099-01-01T00:00:00Z' }));
    expect((await verify(future.vc)).reason).toBe('not_yet_valid');
  });

  it('a well-signed credential from an issuer outside the trust list fails with unknown_issuer', async () => {
    const key = await generateKey('did:key:placeholder');
    const did = `did:key:${key.publicKeyMultibase}`;
    const signed = await signCredential({ ...obCredential(did), id: 'urn:uuid:11111111-2222-4333-8444-555555555555', validFrom: '2025-01-01T00:00:00Z' },
      { key: { ...key, controller: did, id: `${did}#${key.publicKeyMultibase}` }, documentLoader: createDocumentLoader() });
    const r = await verify(signed);
    expect(r).toMatchObject({ verified: false, reason: 'unknown_issuer' });
    expect(r.checks).toContain('proof');
  });

  it('a rotated-out key still verifies; a revoked key fails with key_revoked', async () => {
    const { vc } = await issueVc(t.app, inst, {}, obCredential(inst.did, { name: 'Before rotation' }));
    const rot = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/keys/rotate`, headers: bearer(inst.token) });
    expect(rot.statusCode).toBe(201);
    expect((await verify(vc)).verified).toBe(true);
    const after = await issueVc(t.app, inst, {}, obCredential(inst.did, { name: 'After rotation' }));
    expect((after.vc as any).proof.verificationMethod).toBe(rot.json().verificationMethod);
    const oldKeyId = String((vc as any).proof.verificationMethod).split('#')[1];
    const rev = await t.app.inject({ method: 'POST', url: `/keys/${oldKeyId}/revoke`, headers: bearer(op), payload: { reason: 'key compromised' } });
    expect(rev.statusCode).toBe(200);
    const r = await verify(vc);
    expect(r).toMatchObject({ verified: false, reason: 'key_revoked' });
    expect(r.errors[0].message).toContain('key compromised');
    expect((await verify(after.vc)).verified).toBe(true);
    const doc = (await t.app.inject({ method: 'GET', url: `/institutions/${inst.slug}/did.json` })).json();
    expect(doc.verificationMethod).toHaveLength(2);
    expect(doc.assertionMethod).toEqual([rot.json().verificationMethod]);
  });

  it('verifies the 1EdTech Open Badges 3.0 signed example: proof ok, issuer reported unknown', async () => {
    const example = JSON.parse(readFileSync(new URL('../../credentials/vectors/ob-v3p0-signed-example.json', import.meta.url), 'utf8'));
    const r = await verify(example);
    const byCheck = Object.fromEntries(r.results.map((x: any) => [x.check, x]));
    expect(byCheck.proof.status).toBe('pass');
    expect(byCheck.issuer).toMatchObject({ status: 'fail', code: 'unknown_issuer' });
    expect(byCheck.shape.status).toBe('pass');
    expect(r.reason).toBe('unknown_issuer');
  });

  it('after a key is revoked, its status lists are re-signed with the active key, so they still verify', async () => {
    const { vc } = await issueVc(t.app, inst, {}, obCredential(inst.did, { name: 'Status list signer' }));
    const listUrl = new URL(String((vc as any).credentialStatus[0]?.statusListCredential ?? (vc as any).credentialStatus.statusListCredential));
    const getList = async () => (await t.app.inject({ method: 'GET', url: listUrl.pathname })).json();
    const before = await getList();
    const signerKey = String(before.proof.verificationMethod).split('#')[1];
    const rev = await t.app.inject({ method: 'POST', url: `/keys/${signerKey}/revoke`, headers: bearer(op), payload: { reason: 'lost laptop' } });
    expect(rev.statusCode, rev.body).toBe(200);
    const after = await getList();
    expect(after.proof.verificationMethod).not.toBe(before.proof.verificationMethod);
    expect(after.credentialSubject.encodedList).toBe(before.credentialSubject.encodedList);
    const r = await verify(after);
    expect(r.results.find((x: any) => x.check === 'proof').status).toBe('pass');
    expect(r.results.find((x: any) => x.check === 'issuer').status).toBe('pass');
  });

  it('does not know the 1EdTech test key unless the deployment pins it (the default verifier has no pinned keys)', async () => {
    const example = JSON.parse(readFileSync(new URL('../../credentials/vectors/ob-v3p0-signed-example.json', import.meta.url), 'utf8'));
    const c = t.ctx.credentials;
    const unpinned = new VerifierService(t.ctx.db, c.directory, c.lists, () => new Date());
    const proof = (await unpinned.verify(example)).results.find((x) => x.check === 'proof')!;
    expect(proof.status).toBe('fail');
    expect(proof.message).toContain('https://example.edu/issuers/565049');
  });

  it('serves the signed status list with the revoked bit set', async () => {
    const { vc, id } = await issueVc(t.app, inst);
    await setStatus(id, 'revoke');
    const entry = (vc as any).credentialStatus[0];
    const res = await t.app.inject({ method: 'GET', url: new URL(entry.statusListCredential).pathname });
    const list = res.json();
    expect(list.type).toContain('BitstringStatusListCredential');
    expect(getBit(decodeBitstring(list.credentialSubject.encodedList), Number(entry.statusListIndex))).toBe(true);
    expect((await verify(list)).results.find((x: any) => x.check === 'proof').status).toBe('pass');
  });
});
