import { SignJWT } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, createInstitution, newResidentId, newUscc, operatorToken, type TestInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let op: string;
let inst: TestInstitution;
let now = new Date();

beforeAll(async () => {
  t = await createTestApp({ config: { bodyLimit: 4096 }, clock: { now: () => now } });
  op = await operatorToken(t.app);
  inst = await createInstitution(t.app, op);
});
afterAll(async () => t.close());

const count = async (table: 'institutions' | 'learners' | 'audit_trail') =>
  Number((await t.ctx.db.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = res.json();
  expect(body).toMatchObject({ status, code, type: `/problems/${code}` });
  expect(typeof body.title).toBe('string');
  return body;
}

const institution = (extra: Record<string, unknown> = {}) => ({ name: { en: 'Bad Input College' }, kind: 'university', country: 'CN', regionCode: '440106', uscc: newUscc(), ...extra });

describe('bad input gets a problem response and writes nothing', () => {
  it.each([
    ['a wrong check character', (c: string) => c.slice(0, 17) + (c[17] === '0' ? '1' : '0')],
    ['a forbidden letter', (c: string) => `${c.slice(0, 10)}I${c.slice(11)}`],
    ['the wrong length', (c: string) => c.slice(0, 16)],
  ])('rejects a credit code with %s', async (_l, mutate) => {
    const before = await count('institutions');
    const body = expectProblem(await t.app.inject({ method: 'POST', url: '/institutions', headers: bearer(op), payload: institution({ uscc: mutate(newUscc()) }) }), 422, 'invalid_uscc');
    expect(body.errors[0].pointer).toBe('/body/uscc');
    expect(await count('institutions')).toBe(before);
  });

  it('rejects unknown fields instead of dropping them', async () => {
    const before = await count('learners');
    const body = expectProblem(await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload: { identity: { type: 'cn-resident', number: newResidentId() }, name: '钱七', nickname: 'x' } }), 400, 'unknown_field');
    expect(body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/nickname');
    expect(await count('learners')).toBe(before);
  });

  it('refuses text PostgreSQL cannot store (NUL, an unpaired surrogate) in a body value or key, a query or a path, naming where; writes nothing', async () => {
    const before = await count('learners');
    const register = (payload: string) => t.app.inject({ method: 'POST', url: '/learners', headers: { ...bearer(inst.token), 'content-type': 'application/json' }, payload });
    const id = newResidentId();
    for (const [payload, pointer] of [
      [`{"identity":{"type":"cn-resident","number":"${id}"},"name":"钱\\u0000七"}`, '/body/name'],
      [`{"identity":{"type":"cn-resident","number":"${id}"},"name":"钱\\udfff"}`, '/body/name'],
      [`{"identity":{"type":"cn-resident","number":"${id}"},"name":"钱七","a\\u0000":1}`, '/body/a\u0000'],
    ] as const) {
      const body = expectProblem(await register(payload), 400, 'unstorable_text');
      expect(body.errors[0].pointer).toBe(pointer);
    }
    expect(await count('learners')).toBe(before);
    expect(expectProblem(await t.app.inject({ method: 'GET', url: '/institutions?kind=a%00b' }), 400, 'unstorable_text').errors[0].pointer).toBe('/querystring/kind');
    expect(expectProblem(await t.app.inject({ method: 'GET', url: '/institutions/a%00b/did.json' }), 400, 'unstorable_text').errors[0].pointer).toBe('/params/id');
    // A surrogate pair (a character outside the BMP) is fine.
    const ok = await register(`{"identity":{"type":"cn-resident","number":"${id}"},"name":"\\ud842\\udfb7云"}`);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().name).toBe('𠮷云');
  });

  it('rejects malformed JSON, naming the body', async () => {
    const body = expectProblem(await t.app.inject({ method: 'POST', url: '/learners', headers: { ...bearer(inst.token), 'content-type': 'application/json' }, payload: '{"identity": ' }), 400, 'malformed_json');
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '/body' })]);
  });

  it('rejects a wrong content type, naming the header', async () => {
    const body = expectProblem(await t.app.inject({ method: 'POST', url: '/learners', headers: { ...bearer(inst.token), 'content-type': 'text/csv' }, payload: 'a,b' }), 415, 'unsupported_media_type');
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '/headers/content-type' })]);
  });

  it('names the field at fault when the token endpoint refuses a request', async () => {
    const token = (payload: string) => t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
    const grant = expectProblem(await token('grant_type=authorization_code'), 400, 'unsupported_grant_type');
    expect(grant).toMatchObject({ error: 'unsupported_grant_type', errors: [{ pointer: '/body/grant_type' }] });
    expect(expectProblem(await token('grant_type=client_credentials'), 400, 'invalid_request').errors).toEqual([expect.objectContaining({ pointer: '/body/client_id' })]);
    expect(expectProblem(await token('grant_type=client_credentials&client_id=operator'), 400, 'invalid_request').errors).toEqual([expect.objectContaining({ pointer: '/body/client_secret' })]);
    expect(expectProblem(await token('grant_type=urn:ietf:params:oauth:grant-type:token-exchange'), 400, 'invalid_request').errors).toEqual([expect.objectContaining({ pointer: '/body/subject_token' })]);
  });

  it('refuses a form-encoded body on a JSON route (forms are parsed for the token endpoint only) and writes nothing', async () => {
    const [learners, audit] = [await count('learners'), await count('audit_trail')];
    const form = `identity[type]=cn-resident&identity[number]=${newResidentId()}&name=x`;
    expectProblem(await t.app.inject({ method: 'POST', url: '/learners', headers: { ...bearer(inst.token), 'content-type': 'application/x-www-form-urlencoded' }, payload: form }), 415, 'unsupported_media_type');
    expectProblem(await t.app.inject({ method: 'POST', url: '/institutions', headers: { ...bearer(op), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'kind=university&country=CN' }), 415, 'unsupported_media_type');
    expect([await count('learners'), await count('audit_trail')]).toEqual([learners, audit]);
  });

  it('does not coerce body values: a number where a string is required is a 400 naming the field', async () => {
    const before = await count('learners');
    const body = expectProblem(await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload: { identity: { type: 'cn-resident', number: newResidentId() }, name: 123 } }), 400, 'validation_failed');
    expect(body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/name');
    expect(await count('learners')).toBe(before);
    const inst2 = expectProblem(await t.app.inject({ method: 'POST', url: '/institutions', headers: bearer(op), payload: institution({ regionCode: 440106 }) }), 400, 'validation_failed');
    expect(inst2.errors.map((e: { pointer: string }) => e.pointer)).toContain('/body/regionCode');
  });

  it('still coerces querystring values, which are text', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/institutions?limit=1' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(1);
    expectProblem(await t.app.inject({ method: 'GET', url: '/institutions?limit=abc' }), 400, 'validation_failed');
  });

  it('rejects an oversized body', async () => {
    const before = await count('learners');
    expectProblem(await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload: { identity: { type: 'cn-resident', number: newResidentId() }, name: 'x'.repeat(8000) } }), 413, 'body_too_large');
    expect(await count('learners')).toBe(before);
  });

  it('answers an unknown route with a problem', async () => {
    expectProblem(await t.app.inject({ method: 'GET', url: '/no/such/route' }), 404, 'route_not_found');
  });

  it('answers a non-uuid id with a validation problem, not a database error', async () => {
    const body = expectProblem(await t.app.inject({ method: 'GET', url: '/learners/not-a-uuid', headers: bearer(op) }), 400, 'validation_failed');
    expect(body.errors[0].pointer).toBe('/params/id');
  });

  it('rejects a forged token signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = await new SignJWT({ kind: 'operator', scope: '*' }).setProtectedHeader({ alg: 'EdDSA', kid: 'access-token-x', typ: 'at+jwt' })
      .setIssuer('https://bank.test').setAudience('https://bank.test').setSubject('operator').setExpirationTime('5m').sign(privateKey);
    const before = await count('institutions');
    expectProblem(await t.app.inject({ method: 'POST', url: '/institutions', headers: bearer(forged), payload: institution() }), 401, 'token_invalid');
    expect(await count('institutions')).toBe(before);
  });

  it('rejects a token for another audience', async () => {
    const key = await t.ctx.keys.activeOrCreate('bank', 'access-token');
    const other = await new SignJWT({ kind: 'operator', scope: '*' }).setProtectedHeader({ alg: 'EdDSA', kid: key.id, typ: 'at+jwt' })
      .setIssuer('https://bank.test').setAudience('https://elsewhere.test').setSubject('operator').setExpirationTime('5m').sign(key.privateKey);
    expectProblem(await t.app.inject({ method: 'POST', url: '/institutions', headers: bearer(other), payload: institution() }), 401, 'token_claim_invalid');
  });

  it('rejects an expired token and writes nothing', async () => {
    const token = await operatorToken(t.app);
    now = new Date(Date.now() + 3600_000);
    try {
      const before = await count('institutions');
      expectProblem(await t.app.inject({ method: 'POST', url: '/institutions', headers: bearer(token), payload: institution() }), 401, 'token_expired');
      expect(await count('institutions')).toBe(before);
    } finally {
      now = new Date();
    }
  });

  it('rejects a malformed Authorization header', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/learners/00000000-0000-4000-8000-000000000000', headers: { authorization: 'Token abc' } });
    expectProblem(res, 401, 'malformed_authorization');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="credit-bank", error="invalid_request"');
  });

  it('says how to authenticate on every 401 of a protected route (RFC 6750 §3), and takes the scheme in any case', async () => {
    const url = `/institutions/${inst.id}/keys`;
    const none = await t.app.inject({ method: 'GET', url });
    expectProblem(none, 401, 'authentication_required');
    expect(none.headers['www-authenticate']).toBe('Bearer realm="credit-bank"');
    const bad = await t.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer a.b.c' } });
    expectProblem(bad, 401, 'token_invalid');
    expect(bad.headers['www-authenticate']).toBe('Bearer realm="credit-bank", error="invalid_token"');
    expect((await t.app.inject({ method: 'GET', url, headers: { authorization: `bearer ${inst.token}` } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url, headers: { authorization: `BEARER  ${inst.token}` } })).statusCode).toBe(200);
    // The token endpoint's 401 is about the client, not a bearer token.
    const client = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'wrong' } });
    expect(client.statusCode).toBe(401);
    expect(client.headers['www-authenticate']).toBeUndefined();
  });

  it('rejects a wrong client secret without revealing whether the client exists', async () => {
    const a = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: 'operator', client_secret: 'wrong' } });
    const b = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'wrong' } });
    expect(expectProblem(a, 401, 'invalid_client').error).toBe('invalid_client');
    expectProblem(b, 401, 'invalid_client');
  });

  it('accepts the token request as application/x-www-form-urlencoded (RFC 6749)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials&client_id=operator&client_secret=operator-test-secret' });
    expect(res.statusCode).toBe(200);
    expect(res.json().token_type).toBe('Bearer');
  });

  it('never leaks internals in a 500 from the real app', async () => {
    // A service failing with a library-style error whose message holds secrets.
    const failure = new Error('connection to postgres://bank:hunter2@db.internal failed', { cause: new Error('password=hunter2') });
    const spy = vi.spyOn(t.ctx.institutions, 'get').mockRejectedValueOnce(failure);
    try {
      const res = await t.app.inject({ method: 'GET', url: `/institutions/${inst.id}` });
      const body = expectProblem(res, 500, 'internal_error');
      expect(res.body).not.toMatch(/hunter2|db\.internal|postgres:|stack|\.ts:\d+/);
      expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'instance', 'requestId', 'status', 'title', 'type']);
      expect(body.requestId).toBe(res.headers['x-request-id']);
      expect(spy).toHaveBeenCalledOnce();
    } finally {
      spy.mockRestore();
    }
    expect((await t.app.inject({ method: 'GET', url: `/institutions/${inst.id}` })).statusCode).toBe(200);
  });
});

describe('idempotency keys', () => {
  it('replays the first response for a retry with the same key and body', async () => {
    const payload = institution();
    const headers = { ...bearer(op), 'idempotency-key': `k-${Date.now()}` };
    const a = await t.app.inject({ method: 'POST', url: '/institutions', headers, payload });
    const b = await t.app.inject({ method: 'POST', url: '/institutions', headers, payload });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json().id).toBe(a.json().id);
  });

  it('refuses the same key with a different body', async () => {
    const headers = { ...bearer(op), 'idempotency-key': `k2-${Date.now()}` };
    await t.app.inject({ method: 'POST', url: '/institutions', headers, payload: institution() });
    expectProblem(await t.app.inject({ method: 'POST', url: '/institutions', headers, payload: institution() }), 422, 'idempotency_key_reused');
  });
});
