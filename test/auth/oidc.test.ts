import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newResidentId } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** An identity provider configured from a JWKS file, as OIDC_PROVIDERS allows in production. */
const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'credit-bank-test';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const dir = mkdtempSync(join(tmpdir(), 'cb-oidc-'));
const now = new Date('2026-06-01T08:00:00Z');
let t: TestApp;

beforeAll(async () => {
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'EdDSA', use: 'sig' }] }));
  t = await createTestApp({
    clock: { now: () => now },
    config: { oidcProviders: [{ issuer: ISSUER, audience: AUDIENCE, jwks: jwksFile, identityClaim: 'cn_resident_id' }] },
  });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function idToken(opts: { iss?: string; aud?: string; exp?: number; key?: typeof privateKey; sub?: string; residentId?: string } = {}) {
  return new SignJWT({ name: '张三', cn_resident_id: opts.residentId ?? newResidentId() })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'idp-1' })
    .setIssuer(opts.iss ?? ISSUER).setAudience(opts.aud ?? AUDIENCE).setSubject(opts.sub ?? `sub-${Math.random()}`)
    .setIssuedAt(seconds(now) - 60).setExpirationTime(opts.exp ?? seconds(now) + 600)
    .sign(opts.key ?? privateKey);
}

const exchange = (subjectToken: string) => t.app.inject({
  method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: subjectToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
  }).toString(),
});

const counts = async () => Promise.all((['learners', 'learner_logins', 'audit_trail'] as const).map(async (table) =>
  Number((await t.ctx.db.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));

describe('learner sign-in with an OpenID Connect ID token (provider keys from a JWKS file)', () => {
  it('accepts a valid ID token and opens the account of the verified identity', async () => {
    const residentId = newResidentId();
    const res = await exchange(await idToken({ residentId, sub: 'alice' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ token_type: 'Bearer', scope: 'self' });
    const me = await t.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${res.json().access_token}` } });
    expect(me.json().identity.masked).toBe(`${residentId.slice(0, 6)}********${residentId.slice(-4)}`);
  });

  it.each([
    ['forged (signed by another key)', () => idToken({ key: generateKeyPairSync('ed25519').privateKey }), 'id_token_invalid'],
    ['expired', () => idToken({ exp: seconds(now) - 1 }), 'id_token_expired'],
    ['for another audience', () => idToken({ aud: 'someone-else' }), 'id_token_claim_invalid'],
    ['from an untrusted issuer', () => idToken({ iss: 'https://evil.example.test' }), 'id_token_untrusted_issuer'],
    ['not a JWT', async () => 'not-a-jwt', 'id_token_invalid'],
  ])('refuses an ID token that is %s with a 401 problem and writes nothing', async (_label, make, code) => {
    const before = await counts();
    const res = await exchange(await make());
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 401, code, type: `/problems/${code}`, error: 'invalid_grant' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await counts()).toEqual(before);
  });
});
