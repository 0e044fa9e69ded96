import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, tokenFor, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let op: string;
let inst: TestInstitution;

beforeAll(async () => ({ t, op, inst } = await institutionApp()));
afterAll(async () => t.close());

const count = async (table: 'api_clients' | 'audit_trail') =>
  Number((await t.ctx.db.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** A client of `inst` holding exactly `scopes`, created by the operator; returns its token. */
async function clientWith(scopes: string[]): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(op), payload: { name: 'narrow', scopes } });
  expect(res.statusCode).toBe(201);
  return tokenFor(t.app, res.json().clientId, res.json().clientSecret);
}

async function expectRefused(token: string, payload: Record<string, unknown>, code: string) {
  const [clients, audit] = [await count('api_clients'), await count('audit_trail')];
  const res = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(token), payload });
  expect(res.statusCode).toBe(403);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json().code).toBe(code);
  expect([await count('api_clients'), await count('audit_trail')]).toEqual([clients, audit]);
  return res.json();
}

describe('creating API clients cannot escalate scopes', () => {
  it('refuses a catalogue:write-only client minting a credentials:issue client, writing nothing', async () => {
    const token = await clientWith(['catalogue:write']);
    await expectRefused(token, { name: 'escalate', scopes: ['credentials:issue'] }, 'insufficient_scope');
    await expectRefused(token, { name: 'escalate' }, 'insufficient_scope');
  });

  it('refuses a client with clients:write granting a scope it does not hold', async () => {
    const token = await clientWith(['clients:write', 'catalogue:write']);
    const body = await expectRefused(token, { name: 'escalate', scopes: ['catalogue:write', 'credentials:issue'] }, 'scope_not_held');
    expect(body.errors).toEqual([{ pointer: '/body/scopes', message: expect.stringContaining('credentials:issue') }]);
  });

  it('lets a client with clients:write grant a subset of its own scopes, and defaults to its own scopes', async () => {
    const token = await clientWith(['clients:write', 'catalogue:write', 'records:read']);
    const a = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(token), payload: { name: 'sub', scopes: ['records:read'] } });
    expect(a.statusCode).toBe(201);
    expect(a.json().scopes).toEqual(['records:read']);
    const b = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(token), payload: { name: 'same' } });
    expect(b.statusCode).toBe(201);
    expect(b.json().scopes.sort()).toEqual(['catalogue:write', 'clients:write', 'records:read']);
  });

  it('limits a token narrowed at the token endpoint to the narrowed scopes', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(op), payload: { name: 'wide', scopes: ['clients:write', 'credentials:issue', 'catalogue:write'] } });
    const tok = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: res.json().clientId, client_secret: res.json().clientSecret, scope: 'clients:write catalogue:write' } });
    await expectRefused(tok.json().access_token, { name: 'escalate', scopes: ['credentials:issue'] }, 'scope_not_held');
  });

  it('lets the operator grant any institution scope', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(op), payload: { name: 'issuer', scopes: ['credentials:issue'] } });
    expect(res.statusCode).toBe(201);
    expect(res.json().scopes).toEqual(['credentials:issue']);
  });

  it('refuses a client of another institution even with clients:write', async () => {
    const other = await createInstitution(t.app, op);
    await expectRefused(other.token, { name: 'foreign', scopes: ['catalogue:write'] }, 'other_institution');
  });
});
