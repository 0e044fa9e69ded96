import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_KEY_PURPOSE } from '../../src/credentials/issuers/issuer-directory.js';
import { keyAddedBody } from '../../src/keys/key-events.js';
import { KEY_STORE_ACTOR } from '../../src/keys/key-store.js';
import { runAudit } from '../../src/ledger/cli/audit-run.js';
import { httpSource, type GetJson } from '../../src/ledger/cli/ledger-source.js';
import { eventBodyDigest, verifyTreeHead } from '../../src/ledger/merkle/index.js';
import { LEDGER_KEY_OWNER, LEDGER_KEY_PURPOSE, resolverFromJwks } from '../../src/ledger/tree-head-keys.js';
import { bearer, issueVc, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';
import { appendEvents } from './ledger-fixture.js';

let t: TestApp;
let op: string;
let inst: TestInstitution;

beforeAll(async () => ({ t, op, inst } = await institutionApp()));
afterAll(async () => t.close());

/** Ledger rows about one key, in append order. */
const keyEntries = (keyId: string) => t.ctx.db.selectFrom('ledger_entries')
  .select(['id', 'event_type', 'actor', 'body_digest', 'learner_id']).where('resource_type', '=', 'key').where('resource_id', '=', keyId).orderBy('id').execute();

const keysOf = (owner: string, purpose: string) => t.ctx.keys.list(owner, purpose);

const inject: GetJson = async (url) => {
  const res = await t.app.inject({ method: 'GET', url: url.replace('https://bank.test', '') });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};

describe('key events in the ledger', () => {
  it("logs an issuer's first credential key as key.created, with the public key only", async () => {
    expect(await keysOf(inst.id, CREDENTIAL_KEY_PURPOSE)).toEqual([]);
    await issueVc(t.app, inst);
    const [key] = await keysOf(inst.id, CREDENTIAL_KEY_PURPOSE);
    const entries = await keyEntries(key!.id);
    expect(entries.map((e) => [e.event_type, e.actor, e.learner_id])).toEqual([['key.created', KEY_STORE_ACTOR, null]]);
    expect(entries[0]!.body_digest).toBe(eventBodyDigest(keyAddedBody(key!)));
    expect(key!.publicJwk).not.toHaveProperty('d');
    expect(keyAddedBody(key!)).toEqual({ keyId: key!.id, owner: inst.id, publicJwk: key!.publicJwk, createdAt: key!.createdAt.toISOString() });
  });

  it('logs the tree-head key the integrator creates on first use, and that entry is itself in the tree', async () => {
    await appendEvents(t.ctx, 3);
    await t.ctx.ledgerService.integrate();
    const [key] = await keysOf(LEDGER_KEY_OWNER, LEDGER_KEY_PURPOSE);
    const [entry] = await keyEntries(key!.id);
    expect(entry).toMatchObject({ event_type: 'key.created', body_digest: eventBodyDigest(keyAddedBody(key!)) });
    const proof = await t.ctx.ledgerService.inclusion({ entryId: Number(entry!.id) });
    expect(proof.treeHead?.kid).toBe(key!.id);
  });

  it('logs the replacement of a revoked active key as key.rotated, created on the next issue', async () => {
    const [first] = await keysOf(inst.id, CREDENTIAL_KEY_PURPOSE);
    const rev = await t.app.inject({ method: 'POST', url: `/keys/${first!.id}/revoke`, headers: bearer(op), payload: { reason: 'compromised' } });
    expect(rev.statusCode).toBe(200);
    await issueVc(t.app, inst);
    const keys = await keysOf(inst.id, CREDENTIAL_KEY_PURPOSE);
    expect(keys.map((k) => k.status)).toEqual(['revoked', 'active']);
    expect((await keyEntries(first!.id)).map((e) => e.event_type)).toEqual(['key.created', 'key.revoked']);
    expect((await keyEntries(keys[1]!.id)).map((e) => [e.event_type, e.actor])).toEqual([['key.rotated', KEY_STORE_ACTOR]]);
  });

  it('logs a rotation through the issuer key route once, with the caller as actor', async () => {
    const rot = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/keys/rotate`, headers: bearer(inst.token) });
    expect(rot.statusCode).toBe(201);
    const entries = await keyEntries(rot.json().keyId);
    expect(entries.map((e) => [e.event_type, e.actor])).toEqual([['key.rotated', `institution:${inst.id}/client:${inst.clientId}`]]);
  });

  it('creates one key, and one entry, when first uses race', async () => {
    const owner = 'race-owner';
    const keys = await Promise.all([1, 2, 3, 4].map(() => t.ctx.keys.activeOrCreate(owner, LEDGER_KEY_PURPOSE)));
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
    expect(await keysOf(owner, LEDGER_KEY_PURPOSE)).toHaveLength(1);
    expect(await keyEntries(keys[0]!.id)).toHaveLength(1);
  });

  it('leaves neither key nor entry when the transaction fails after the key was inserted', async () => {
    const owner = 'rolled-back';
    await expect(t.ctx.db.transaction().execute(async (trx) => {
      await t.ctx.keys.rotate(owner, CREDENTIAL_KEY_PURPOSE, trx);
      throw new Error('crash after the key insert');
    })).rejects.toThrow('crash');
    expect(await keysOf(owner, CREDENTIAL_KEY_PURPOSE)).toEqual([]);
    const logged = await t.ctx.db.selectFrom('ledger_entries').select('resource_id').where('resource_type', '=', 'key')
      .where('resource_id', 'like', `${CREDENTIAL_KEY_PURPOSE}-%`).execute();
    const known = new Set((await t.ctx.db.selectFrom('keys').select('id').execute()).map((k) => k.id));
    expect(logged.filter((e) => !known.has(e.resource_id))).toEqual([]);
  });

  it('does not log keys of unlogged purposes (access tokens)', async () => {
    const key = await t.ctx.keys.activeOrCreate('some-service', 'access-tokens');
    expect(await keyEntries(key.id)).toEqual([]);
  });

  it('the database check rebuilds every key event, and names a key row changed behind the service', async () => {
    const report = await t.ctx.ledgerService.checkDatabase();
    expect(report.problems).toEqual([]);
    expect(report.uncheckedByType.key).toBeUndefined();
    const [key] = await keysOf(LEDGER_KEY_OWNER, LEDGER_KEY_PURPOSE);
    const forged = { ...key!.publicJwk, x: Buffer.alloc(32, 1).toString('base64url') };
    await t.ctx.db.updateTable('keys').set({ public_key: JSON.stringify(forged) }).where('id', '=', key!.id).execute();
    try {
      const after = await t.ctx.ledgerService.checkDatabase();
      expect(after.problems.map((p) => [p.kind, p.eventType, p.resourceId])).toEqual([['body-digest-mismatch', 'key.created', key!.id]]);
    } finally {
      await t.ctx.db.updateTable('keys').set({ public_key: JSON.stringify(key!.publicJwk) }).where('id', '=', key!.id).execute();
    }
  });
});

describe('rotating the tree-head key', () => {
  it('is for operators only', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ledger/keys/rotate', headers: bearer(inst.token) });
    expect(res.statusCode).toBe(403);
  });

  it('signs new heads with the new key while heads of the old key still verify, and logs key.rotated', async () => {
    await t.ctx.ledgerService.integrate();
    const [old] = await keysOf(LEDGER_KEY_OWNER, LEDGER_KEY_PURPOSE);
    const res = await t.app.inject({ method: 'POST', url: '/ledger/keys/rotate', headers: bearer(op) });
    expect(res.statusCode).toBe(201);
    const { keyId, retired } = res.json();
    expect(retired).toEqual([old!.id]);
    expect((await keyEntries(keyId)).map((e) => [e.event_type, e.actor])).toEqual([['key.rotated', 'operator:operator']]);
    const audit = await t.ctx.db.selectFrom('audit_trail').select('action').where('resource_id', '=', keyId).execute();
    expect(audit.map((a) => a.action)).toEqual(['ledger.key.rotate']);

    await appendEvents(t.ctx, 2);
    await t.ctx.ledgerService.integrate();
    const jwks = (await t.app.inject({ method: 'GET', url: '/ledger/keys' })).json();
    expect(Object.fromEntries(jwks.keys.map((k: { kid: string; status: string }) => [k.kid, k.status]))).toEqual({ [old!.id]: 'retired', [keyId]: 'active' });
    const heads = (await t.ctx.ledgerService.treeHeads(undefined, 500)).items;
    expect(new Set(heads.map((h) => h.kid))).toEqual(new Set([old!.id, keyId]));
    expect(heads.at(-1)!.kid).toBe(keyId);
    const resolve = resolverFromJwks(jwks);
    for (const head of heads) expect((await verifyTreeHead(head, resolve)).ok).toBe(true);
    const { report } = await runAudit(httpSource('https://bank.test', inject, 5));
    expect(report.problem).toBeUndefined();
    expect(report.ok).toBe(true);
  });
});
