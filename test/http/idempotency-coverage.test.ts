import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeIdempotencyKeys } from '../../src/jobs/server-jobs.js';
import { bearer, createInstitution, tokenFor, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';
import { externalIssuer } from '../credentials/external-issuers.js';

/**
 * Writes a client may send again after a lost response, so they either honour Idempotency-Key or
 * are listed here with the reason a plain retry is already safe. A new write route fails this test
 * until someone decides which.
 */
const SAFE_WITHOUT_KEY: Record<string, string> = {
  'POST /oauth/token': 'issues a token; a second token is as good as the first',
  'POST /dev-idp/id-tokens': 'development identity provider: issues an ID token, stores nothing',
  'POST /learners/lookup': 'a read that takes the identity number in the body, not the URL',
  'POST /credits/convert': 'arithmetic, stores nothing',
  'POST /recognition/preview': 'a read: what rules would grant, stores nothing',
  'POST /learners/{id}/audits/{programmeId}/what-if': 'a read: an audit with hypothetical achievements, stores nothing',
  'POST /credentials/verify': 'a read: verification stores nothing',
  'POST /presentations/verify': 'a read: verification stores nothing',
  'POST /credentials/{id}/status': 'sets a state: a retry finds it set and answers changed: false',
  'POST /frameworks/load': 'loads the bundled files by content hash: a retry loads nothing',
  'POST /achievements/batches': 'NDJSON: each line is idempotent by its natural key (institution + externalId)',
  'POST /institutions/{id}/catalogue/batches': 'NDJSON: each line is idempotent by its natural key (institution + code + version)',
  'DELETE /learners/{id}/shares/{shareId}': 'revokes a share: a retry finds it revoked',
};

describe('Idempotency-Key', () => {
  let t: TestApp; let op: string; let inst: TestInstitution;
  beforeAll(async () => ({ t, op, inst } = await institutionApp()));
  afterAll(() => t.close());

  const post = (url: string, token: string, key: string, body?: unknown) => t.app.inject({
    method: 'POST', url, headers: { ...bearer(token), 'idempotency-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });

  it('is declared in the API document by every write route, or the route is listed with why a plain retry is safe', async () => {
    const doc = (await t.app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> };
    const undecided: string[] = []; const keyed: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
        const name = `${method.toUpperCase()} ${path}`;
        const honours = (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key');
        if (honours) keyed.push(name);
        if (honours === (name in SAFE_WITHOUT_KEY)) undecided.push(name);
      }
    }
    expect(undecided).toEqual([]);
    expect(keyed.length).toBeGreaterThan(30);
    expect(keyed).toEqual(expect.arrayContaining(['POST /institutions/{id}/keys/rotate', 'POST /institutions/{id}/clients', 'POST /agreements/{id}/parties']));
  });

  it('makes a retried key rotation rotate once', async () => {
    const keys = async () => (await t.app.inject({ url: `/institutions/${inst.id}/keys`, headers: bearer(op) })).json() as { keyId: string }[];
    const before = (await keys()).length;
    const first = await post(`/institutions/${inst.id}/keys/rotate`, inst.token, 'rotate-1');
    const retry = await post(`/institutions/${inst.id}/keys/rotate`, inst.token, 'rotate-1');
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().keyId).toBe(first.json().keyId);
    expect(await keys()).toHaveLength(before + 1);
  });

  it('replays the Location and Content-Type of what was created, not only the status and body', async () => {
    const ext = await externalIssuer();
    const body = { issuerId: ext.did, name: { en: 'Badge Academy' }, didDocument: ext.didDocument };
    const first = await post('/trusted-issuers', op, 'trust-1', body);
    expect(first.statusCode, first.body).toBe(201);
    const retry = await post('/trusted-issuers', op, 'trust-1', body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.statusCode).toBe(201);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(retry.json()).toEqual(first.json());
  });

  it('replays a new client and its secret to a retry, keeping the stored response sealed', async () => {
    const first = await post(`/institutions/${inst.id}/clients`, op, 'client-1', { name: 'registry sync' });
    const retry = await post(`/institutions/${inst.id}/clients`, op, 'client-1', { name: 'registry sync' });
    expect(first.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const { clientId, clientSecret } = first.json() as { clientId: string; clientSecret: string };
    expect(await tokenFor(t.app, clientId, clientSecret)).toBeTruthy();
    const clients = await t.ctx.db.selectFrom('api_clients').select('id').where('institution_id', '=', inst.id).where('name', '=', 'registry sync').execute();
    expect(clients).toHaveLength(1);
    const stored = await t.ctx.db.selectFrom('idempotency_keys').select('response').where('key', '=', 'client-1').executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.response)).not.toContain(clientSecret);
    expect(JSON.stringify(stored.response)).not.toContain(clientId);
    // Another caller's same key is another request: it creates its own client.
    const other = await post(`/institutions/${inst.id}/clients`, inst.token, 'client-1', { name: 'registry sync' });
    expect(other.statusCode).toBe(201);
    expect(other.json().clientId).not.toBe(clientId);
  });

  it('answers a retried agreement join and key revocation with their first response, not a conflict', async () => {
    const other = await createInstitution(t.app, op);
    const created = await post('/agreements', op, 'agreement-1', { kind: 'regional', name: { en: 'Exchange' }, effectiveFrom: '2020-01-01', parties: [{ institutionId: inst.id }] });
    expect(created.statusCode, created.body).toBe(201);
    const ag = created.json() as { id: string };
    const today = new Date().toISOString().slice(0, 10);
    const join = () => post(`/agreements/${ag.id}/parties`, op, 'join-1', { institutionId: other.id, joinedOn: today });
    expect((await join()).statusCode).toBe(200);
    const again = await join();
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    // Without the key, the second join is the conflict it always was.
    const unkeyed = await t.app.inject({ method: 'POST', url: `/agreements/${ag.id}/parties`, headers: bearer(op), payload: { institutionId: other.id, joinedOn: today } });
    expect(unkeyed.json().code).toBe('already_party');

    const keyId = (await post(`/institutions/${other.id}/keys/rotate`, op, 'rotate-other')).json().keyId as string;
    const revoke = () => post(`/keys/${keyId}/revoke`, op, 'revoke-1', { reason: 'laptop lost' });
    expect((await revoke()).statusCode).toBe(200);
    expect((await revoke()).statusCode).toBe(200);
  });
});

describe('Idempotency-Key retention', () => {
  let t: TestApp; let op: string; let inst: TestInstitution;
  beforeAll(async () => ({ t, op, inst } = await institutionApp({ config: { idempotencyKeyTtlMs: 1_000 } })));
  afterAll(() => t.close());

  const rotate = (key: string) => t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/keys/rotate`, headers: { ...bearer(op), 'idempotency-key': key } });
  const stored = async () => (await t.ctx.db.selectFrom('idempotency_keys').select('key').where('key', 'like', 'ttl-%').execute()).map((r) => r.key).sort();

  it('does the work again for a key past its retention, and the purge deletes only expired responses', async () => {
    const first = await rotate('ttl-old');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const fresh = await rotate('ttl-new');
    expect(fresh.statusCode).toBe(201);
    expect(await stored()).toEqual(['ttl-new', 'ttl-old']);

    expect(await purgeIdempotencyKeys(t.ctx)).toBeGreaterThanOrEqual(1);
    expect(await stored()).toEqual(['ttl-new']);

    // Reused after expiry (purged or not yet), the key starts a new request.
    const later = await rotate('ttl-old');
    expect(later.statusCode).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.json().keyId).not.toBe(first.json().keyId);
  });

  it('takes over an expired key that the purge has not reached yet', async () => {
    const first = await rotate('ttl-late');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const retry = await rotate('ttl-late');
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.json().keyId).not.toBe(first.json().keyId);
    expect((await rotate('ttl-late')).headers['idempotent-replayed']).toBe('true');
  });
});

describe('an Idempotency-Key whose first request never answered', () => {
  let t: TestApp; let op: string; let inst: TestInstitution;
  beforeAll(async () => ({ t, op, inst } = await institutionApp()));
  afterAll(() => t.close());

  const rotate = (key: string) => t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/keys/rotate`, headers: { ...bearer(op), 'idempotency-key': key } });
  /** The claim a request leaves when its process dies before answering, `minutes` ago. */
  async function abandon(key: string, minutes: number, hash?: string) {
    const first = await rotate(key);
    expect(first.statusCode).toBe(201);
    await sql`update idempotency_keys set status_code = null, response = null, created_at = now() - make_interval(mins => ${minutes})
      ${hash ? sql`, request_hash = ${hash}` : sql``} where key = ${key}`.execute(t.ctx.db);
    return first.json().keyId as string;
  }

  it('is taken over by the same request after five minutes, not before', async () => {
    const old = await abandon('abandoned-1', 6);
    const retry = await rotate('abandoned-1');
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.json().keyId).not.toBe(old);
    expect((await rotate('abandoned-1')).headers['idempotent-replayed']).toBe('true');

    await abandon('abandoned-2', 1);
    const waiting = await rotate('abandoned-2');
    expect(waiting.statusCode).toBe(409);
    expect(waiting.json().code).toBe('idempotency_in_progress');
  });

  it('is still refused to a request with another body', async () => {
    await abandon('abandoned-3', 6, 'a'.repeat(64));
    const other = await rotate('abandoned-3');
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
  });
});
