import { describe, expect, it } from 'vitest';
import { signCredential, verifyCredentialProof, suites } from '../../../src/credentials/core/suites.js';
import type { ProofSuiteName } from '../../../src/credentials/core/proof-result.js';
import { NOW, issuerKey, loaderFor, sampleCredential } from './fixtures.js';

const FORMS: ProofSuiteName[] = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc+jwt'];

type Obj = Record<string, any>;
const TAMPERS: [string, (c: Obj) => void][] = [
  ['name', (c) => { c.credentialSubject.achievement.name = 'Forged name'; }],
  ['creditsEarned', (c) => { c.credentialSubject.creditsEarned = 60; }],
  ['issuer', (c) => { c.issuer.name = 'Another bank'; }],
  ['validFrom', (c) => { c.validFrom = '2024-01-15T00:00:00Z'; }],
  ['subject id', (c) => { c.credentialSubject.id = 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH'; }],
];

/** Applies a change to the signed form: to the object, or to the JWS payload (re-encoded). */
function tamper(signed: unknown, change: (c: Obj) => void): unknown {
  if (typeof signed !== 'string') { const c = structuredClone(signed) as Obj; change(c); return c; }
  const [h, p, s] = signed.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
  change(payload);
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
}

describe.each(FORMS)('proof suite %s', (suite) => {
  it('round-trips: a freshly signed credential verifies with the issuer key', async () => {
    const key = await issuerKey();
    const loader = loaderFor([key]);
    const signed = await signCredential(sampleCredential(), { suite, key, documentLoader: loader, now: NOW });
    const result = await verifyCredentialProof(signed, { documentLoader: loader, now: NOW });
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ verified: true, suite, verificationMethod: key.id });
    expect(result.credential?.name).toBe('数据科学微专业');
  });

  it('signs deterministically with a fixed key and clock', async () => {
    const key = await issuerKey();
    const loader = loaderFor([key]);
    const a = await signCredential(sampleCredential(), { suite, key, documentLoader: loader, now: NOW });
    const b = await signCredential(sampleCredential(), { suite, key, documentLoader: loader, now: NOW });
    expect(a).toEqual(b);
  });

  it.each(TAMPERS)('fails when %s is changed after signing', async (_field, change) => {
    const key = await issuerKey();
    const loader = loaderFor([key]);
    const signed = await signCredential(sampleCredential(), { suite, key, documentLoader: loader, now: NOW });
    const result = await verifyCredentialProof(tamper(signed, change), { documentLoader: loader });
    expect(result.verified).toBe(false);
    expect(result.errors.map((e) => e.code)).toContain(suite === 'vc+jwt' ? 'INVALID_SIGNATURE' : 'INVALID_SIGNATURE');
  });

  it('fails when the DID document lists a different key under the same id, though the right key was used just before', async () => {
    const key = await issuerKey(0);
    const other = { ...(await issuerKey(7)), id: key.id };
    const signed = await signCredential(sampleCredential(), { suite, key, documentLoader: loaderFor([key]), now: NOW });
    // Public keys are cached per thread by their bytes, never by verification method id.
    expect((await verifyCredentialProof(signed, { documentLoader: loaderFor([key]) })).verified).toBe(true);
    const result = await verifyCredentialProof(signed, { documentLoader: loaderFor([other]) });
    expect(result.verified).toBe(false);
    expect(result.errors[0]?.code).toBe('INVALID_SIGNATURE');
    expect((await verifyCredentialProof(signed, { documentLoader: loaderFor([key]) })).verified).toBe(true);
  });

  it('fails with KEY_NOT_FOUND when the key was rotated out of the DID document', async () => {
    const key = await issuerKey(0);
    const signed = await signCredential(sampleCredential(), { suite, key, documentLoader: loaderFor([key]), now: NOW });
    const result = await verifyCredentialProof(signed, { documentLoader: loaderFor([await issuerKey(1)]) });
    expect(result.verified).toBe(false);
    expect(result.errors[0]?.code).toBe('KEY_NOT_FOUND');
  });

  it('fails when the signing key belongs to someone other than the issuer', async () => {
    const intruder = await issuerKey(3, 'did:web:intruder.example');
    const loader = loaderFor([intruder], 'did:web:intruder.example');
    const signed = await signCredential(sampleCredential(), { suite, key: intruder, documentLoader: loader, now: NOW });
    const result = await verifyCredentialProof(signed, { documentLoader: loader });
    expect(result.verified).toBe(false);
    expect(result.errors[0]?.code).toBe('KEY_NOT_AUTHORIZED');
  });
});

describe('suite registry', () => {
  it('lists exactly the three issuing forms', () => {
    expect([...suites.keys()]).toEqual(FORMS);
  });
});
