import { describe, expect, it } from 'vitest';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { signCredential, verifyCredentialProof } from '../../../src/credentials/core/suites.js';
import { signJwt } from '../../../src/credentials/core/jose-suite.js';
import { ISSUER_DID, NOW, issuerKey, loaderFor, sampleCredential } from './fixtures.js';

describe('JOSE proofs', () => {
  it('follows the Open Badges 3.0 JWT rules for an Open Badge: typ JWT, no cty, iss/jti/nbf/sub/exp claims', async () => {
    const key = await issuerKey();
    const credential: Record<string, any> = { ...sampleCredential(), validUntil: '2030-01-01T00:00:00Z' };
    const jwt = await signCredential(credential, { suite: 'vc+jwt', key, documentLoader: loaderFor([key]), now: NOW }) as string;
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'EdDSA', kid: key.id, typ: 'JWT' });
    const payload = decodeJwt(jwt);
    expect(payload).toMatchObject({
      iss: ISSUER_DID, jti: credential.id, sub: (credential.credentialSubject as any).id,
      nbf: Date.parse('2025-01-15T00:00:00Z') / 1000, exp: Date.parse('2030-01-01T00:00:00Z') / 1000,
    });
    expect(payload.vc).toBeUndefined();
  });

  it('uses the VC-JOSE-COSE header for other credentials and adds no claims', async () => {
    const key = await issuerKey();
    const credential = { ...sampleCredential(), type: ['VerifiableCredential'] };
    const jwt = await signCredential(credential, { suite: 'vc+jwt', key, documentLoader: loaderFor([key]) }) as string;
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'EdDSA', kid: key.id, typ: 'vc+jwt', cty: 'vc' });
    expect(decodeJwt(jwt)).toEqual(credential);
  });

  it('rejects a signature whose text differs only in the bits base64url leaves unused', async () => {
    const key = await issuerKey();
    const jwt = await signCredential(sampleCredential(), { suite: 'vc+jwt', key, documentLoader: loaderFor([key]), now: NOW }) as string;
    expect((await verifyCredentialProof(jwt, { documentLoader: loaderFor([key]) })).verified).toBe(true);
    // 64 signature bytes take 86 characters; the last carries 2 bits of data and 4 unused ones.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(jwt.at(-1)!);
    const altered = jwt.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(altered.split('.')[2]!, 'base64url')).toEqual(Buffer.from(jwt.split('.')[2]!, 'base64url'));
    const result = await verifyCredentialProof(altered, { documentLoader: loaderFor([key]) });
    expect(result.verified).toBe(false);
    expect(result.errors[0]).toMatchObject({ code: 'INVALID_SIGNATURE', message: expect.stringMatching(/canonical base64url/) });
  });

  it('rejects a JWT whose claims contradict the credential it carries', async () => {
    const key = await issuerKey();
    const signedWrong = await signJwt({ ...sampleCredential(), jti: 'urn:uuid:other' }, { key, profile: 'vc-jose-cose' });
    const result = await verifyCredentialProof(signedWrong, { documentLoader: loaderFor([key]) });
    expect(result.verified).toBe(false);
    expect(result.errors[0]).toMatchObject({ code: 'CLAIM_MISMATCH' });
  });

  it('accepts the VCDM 1.1 form that wraps the credential in a "vc" claim', async () => {
    const key = await issuerKey();
    const credential = sampleCredential();
    const jwt = await signJwt({ vc: credential, iss: ISSUER_DID, jti: credential.id } as any, { key, profile: 'vc-jose-cose' });
    const result = await verifyCredentialProof(jwt, { documentLoader: loaderFor([key]) });
    expect(result.errors).toEqual([]);
    expect(result.credential).toEqual(credential);
  });

  it('rejects malformed tokens and other algorithms', async () => {
    const loader = loaderFor([await issuerKey()]);
    expect((await verifyCredentialProof('a.b.c', { documentLoader: loader })).errors[0]?.code).toBe('MALFORMED');
    const hs = `${Buffer.from('{"alg":"HS256","kid":"x"}').toString('base64url')}.e30.sig`;
    expect((await verifyCredentialProof(hs, { documentLoader: loader })).errors[0]?.code).toBe('UNSUPPORTED_PROOF');
  });
});
