import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { AppContext } from '../../src/context.js';
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

describe('listing and revoking API clients', () => {
  const create = async (name: string) => (await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(op), payload: { name } })).json() as { clientId: string; clientSecret: string };
  const revoke = (clientId: string, token = op, institutionId = inst.id) =>
    t.app.inject({ method: 'POST', url: `/institutions/${institutionId}/clients/${clientId}/revocation`, headers: bearer(token), payload: { reason: 'Secret committed to a public repository' } });

  it('lists the institution\'s clients without their secrets or hashes', async () => {
    const c = await create('registry sync');
    const res = await t.app.inject({ url: `/institutions/${inst.id}/clients`, headers: bearer(inst.token) });
    expect(res.statusCode).toBe(200);
    const mine = (res.json().items as Record<string, unknown>[]).find((x) => x.clientId === c.clientId);
    expect(mine).toEqual({ clientId: c.clientId, name: 'registry sync', scopes: expect.any(Array), createdAt: expect.any(String), revokedAt: null });
    expect(res.body).not.toContain(c.clientSecret);
    expect(res.body).not.toContain('secret');
  });

  it('revokes a client: no new token from then on, recorded in the audit trail, and a second revocation changes nothing', async () => {
    const c = await create('leaked');
    expect(await tokenFor(t.app, c.clientId, c.clientSecret)).toBeTruthy();
    const first = await revoke(c.clientId, inst.token);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ clientId: c.clientId, changed: true, revokedAt: expect.any(String) });
    const token = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret } });
    expect(token.statusCode).toBe(401);
    expect(token.json().code).toBe('invalid_client');
    const audit = await t.ctx.db.selectFrom('audit_trail').select(['action', 'detail']).where('resource_id', '=', c.clientId).where('action', '=', 'client.revoke').execute();
    expect(audit).toEqual([{ action: 'client.revoke', detail: { reason: 'Secret committed to a public repository' } }]);
    const again = await revoke(c.clientId);
    expect(again.json()).toMatchObject({ changed: false, revokedAt: first.json().revokedAt });
  });

  it('does not revoke another institution\'s client, or one that does not exist, and says which', async () => {
    const other = await createInstitution(t.app, op);
    const [clients, audit] = [await count('api_clients'), await count('audit_trail')];
    const foreign = await revoke(other.clientId, op, inst.id);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('api_client_not_found');
    expect((await revoke(other.clientId, inst.token, other.id)).json().code).toBe('other_institution');
    expect((await revoke('client-none', op)).statusCode).toBe(404);
    expect((await revoke(other.clientId, inst.token, other.id)).statusCode).toBe(403);
    expect([await count('api_clients'), await count('audit_trail')]).toEqual([clients, audit]);
    const row = await t.ctx.db.selectFrom('api_clients').select('revoked_at').where('id', '=', other.clientId).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });
});

describe('a revoked client\'s tokens', () => {
  const create = async () => (await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(op), payload: { name: 'leaky', scopes: ['catalogue:write', 'clients:write'] } })).json() as { clientId: string; clientSecret: string };
  const revoke = (app: FastifyInstance, clientId: string) =>
    app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients/${clientId}/revocation`, headers: bearer(op), payload: { reason: 'Secret leaked' } });
  const listWith = (app: FastifyInstance, token: string) => app.inject({ url: `/institutions/${inst.id}/clients`, headers: bearer(token) });

  it('are refused at once by the server that revoked it, the token\'s cached verification included', async () => {
    const c = await create();
    const token = await tokenFor(t.app, c.clientId, c.clientSecret);
    expect((await listWith(t.app, token)).statusCode).toBe(200);
    expect((await revoke(t.app, c.clientId)).statusCode).toBe(200);
    const refused = await listWith(t.app, token);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('client_revoked');
    // Another client of the same institution is not affected.
    expect((await listWith(t.app, inst.token)).statusCode).toBe(200);
  });

  it('are refused by another server process within CLIENT_REVOCATION_SYNC_SECONDS', async () => {
    const other = await AppContext.fromConfig({ ...t.ctx.config, clientRevocationSyncMs: 200 }, { db: t.database.db });
    const otherApp = await buildApp(other, []);
    try {
      const c = await create();
      const token = await tokenFor(t.app, c.clientId, c.clientSecret);
      expect((await listWith(otherApp, token)).statusCode).toBe(200);
      expect((await revoke(t.app, c.clientId)).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 250));
      const refused = await listWith(otherApp, token);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('client_revoked');
    } finally {
      await otherApp.close();
      await other.credentials.close(); // not other.close(): the database is this file's, still in use
    }
  });
});

describe('operator clients (the operator command line)', () => {
  const cliActor = { principal: { kind: 'operator' as const, clientId: 'cli', scopes: ['*'] }, requestId: 'cli-test' };
  const listWith = (token: string) => t.app.inject({ url: `/institutions/${inst.id}/clients`, headers: bearer(token) });

  it('creates another operator, revokes one (its tokens stop at once), and never the last', async () => {
    const second = await t.ctx.institutions.createOperator('Registry staff: Chen', cliActor);
    expect(second).toMatchObject({ clientId: expect.stringMatching(/^operator-/), scopes: ['*'] });
    const secondToken = await tokenFor(t.app, second.clientId, second.clientSecret);
    expect((await listWith(secondToken)).statusCode).toBe(200);

    // The bootstrap operator's secret leaked: revoke it; the second operator carries on.
    const first = await t.ctx.institutions.revokeAnyClient('operator', 'secret leaked', cliActor);
    expect(first).toMatchObject({ clientId: 'operator', kind: 'operator', changed: true });
    expect((await listWith(op)).json().code).toBe('client_revoked');
    expect((await listWith(secondToken)).statusCode).toBe(200);
    const audit = await t.ctx.db.selectFrom('audit_trail').select(['action', 'detail']).where('resource_id', '=', 'operator').where('action', '=', 'client.revoke').execute();
    expect(audit).toEqual([{ action: 'client.revoke', detail: { reason: 'secret leaked' } }]);

    // The last operator stays, and nothing is written trying.
    const [before] = await t.ctx.db.selectFrom('audit_trail').select((e) => e.fn.countAll().as('n')).execute();
    await expect(t.ctx.institutions.revokeAnyClient(second.clientId, 'tidy up', cliActor)).rejects.toMatchObject({ statusCode: 409, code: 'last_operator' });
    expect((await listWith(secondToken)).statusCode).toBe(200);
    const [after] = await t.ctx.db.selectFrom('audit_trail').select((e) => e.fn.countAll().as('n')).execute();
    expect(after).toEqual(before);
    // Revoking a revoked one again changes nothing; an unknown id is not found.
    expect(await t.ctx.institutions.revokeAnyClient('operator', 'again', cliActor)).toMatchObject({ changed: false });
    await expect(t.ctx.institutions.revokeAnyClient('client-none', 'x', cliActor)).rejects.toMatchObject({ statusCode: 404, code: 'api_client_not_found' });
    // An institution client can be revoked this way too.
    const c = (await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(secondToken), payload: { name: 'old sync job' } })).json();
    expect(await t.ctx.institutions.revokeAnyClient(c.clientId, 'job retired', cliActor)).toMatchObject({ kind: 'institution', changed: true });
  });

  it('is for operators only', async () => {
    const asInstitution = { principal: { kind: 'institution' as const, clientId: inst.clientId, institutionId: inst.id, scopes: ['clients:write' as const] }, requestId: 'x' };
    await expect(t.ctx.institutions.createOperator('sneaky', asInstitution)).rejects.toMatchObject({ statusCode: 403 });
    await expect(t.ctx.institutions.revokeAnyClient(inst.clientId, 'x', asInstitution)).rejects.toMatchObject({ statusCode: 403 });
  });
});
