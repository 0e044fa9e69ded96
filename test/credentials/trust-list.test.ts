import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, type TestInstitution } from '../helpers/factories.js';
import { elsewhere } from '../helpers/elsewhere.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';
import { externalIssuer, ob2Issuer } from './external-issuers.js';

let t: TestApp;
let op: string;
let inst: TestInstitution;
beforeAll(async () => ({ t, op, inst } = await institutionApp()));
afterAll(async () => t.close());

const add = (payload: Record<string, unknown>, token = op) => t.app.inject({ method: 'POST', url: '/trusted-issuers', headers: bearer(token), payload });
const entries = async () => Number((await t.ctx.db.selectFrom('trusted_issuers').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const ledgerFor = (id: string) => t.ctx.db.selectFrom('ledger_entries').select(['event_type', 'learner_id']).where('resource_type', '=', 'trusted_issuer')
  .where('resource_id', '=', id).orderBy('id').execute();

function expectProblem(res: { statusCode: number; json(): any }, status: number, code: string, pointer?: string) {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
  expect(res.json().code).toBe(code);
  if (pointer) expect(res.json().errors?.[0]?.pointer).toBe(pointer);
}

describe('the trust list of external issuers', () => {
  it('an operator adds a did:web issuer with its DID document; anyone reads it; the same entry again is a retry', async () => {
    const ext = await externalIssuer();
    const res = await add({ issuerId: ext.did, name: { en: 'Badge Academy', zh: '徽章学院 𠀀' }, didDocument: ext.didDocument });
    expect(res.statusCode, res.body).toBe(201);
    const entry = res.json();
    expect(entry).toMatchObject({ issuerId: ext.did, kind: 'did', name: { en: 'Badge Academy', zh: '徽章学院 𠀀' }, status: 'active', addedBy: 'operator:operator', removedAt: null });
    expect(entry.didDocument).toEqual(ext.didDocument);
    const pub = await t.app.inject({ method: 'GET', url: `/trusted-issuers/${entry.id}` });
    expect(pub.statusCode).toBe(200);
    expect(pub.json().name.zh).toBe('徽章学院 𠀀');
    const list = await t.app.inject({ method: 'GET', url: '/trusted-issuers?limit=500' });
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(entry.id);
    const again = await add({ issuerId: ext.did, name: { en: 'Badge Academy', zh: '徽章学院 𠀀' }, didDocument: ext.didDocument });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(entry.id);
    expect(await ledgerFor(entry.id)).toEqual([{ event_type: 'trusted_issuer.added', learner_id: null }]);
  });

  it('a second, different entry for an issuer already on the list is a conflict; nothing is written', async () => {
    const ext = await externalIssuer();
    const first = await add({ issuerId: ext.did, name: { en: 'One' }, didDocument: ext.didDocument });
    const before = await entries();
    const res = await add({ issuerId: ext.did, name: { en: 'Renamed' }, didDocument: ext.didDocument });
    expectProblem(res, 409, 'issuer_already_trusted');
    expect(res.json().trustedIssuerId).toBe(first.json().id);
    expect(await entries()).toBe(before);
  });

  it.each([
    ['a did:web without its DID document', async () => ({ issuerId: (await externalIssuer()).did, name: { en: 'X' } }), 'did_document_required', '/body/didDocument'],
    ['a DID document for another DID', async () => { const a = await externalIssuer(); const b = await externalIssuer(); return { issuerId: a.did, name: { en: 'X' }, didDocument: b.didDocument }; }, 'did_document_mismatch', '/body/didDocument/id'],
    ['private key material', async () => {
      const a = await externalIssuer();
      const doc = structuredClone(a.didDocument) as { verificationMethod: Record<string, unknown>[] };
      doc.verificationMethod[0]!.secretKeyMultibase = a.key.secretKeyMultibase;
      return { issuerId: a.did, name: { en: 'X' }, didDocument: doc };
    }, 'private_key_material', '/body/didDocument/verificationMethod/0'],
    ['a key the verifier cannot check (a P-256 JWK)', async () => {
      const a = await externalIssuer();
      const jwk = ob2Issuer('ES256').privateKey.export({ format: 'jwk' });
      const { d: _secret, ...publicKeyJwk } = jwk;
      const doc = { ...a.didDocument, verificationMethod: [{ id: `${a.did}#p256`, type: 'JsonWebKey2020', controller: a.did, publicKeyJwk }], assertionMethod: [`${a.did}#p256`] };
      return { issuerId: a.did, name: { en: 'X' }, didDocument: doc };
    }, 'unsupported_key', '/body/didDocument/verificationMethod/0'],
    ['a DID document with no assertion key', async () => { const a = await externalIssuer(); return { issuerId: a.did, name: { en: 'X' }, didDocument: { ...a.didDocument, assertionMethod: [] } }; }, 'no_assertion_method', '/body/didDocument/assertionMethod'],
    ['an issuer that is neither a DID nor an https URL', async () => ({ issuerId: 'http://insecure.example.org/issuer', name: { en: 'X' } }), 'invalid_issuer_id', '/body/issuerId'],
    ['a blank English name', async () => ({ issuerId: 'https://blank.example.org/issuer', name: { en: '   ' } }), 'name_required', '/body/name/en'],
    ['an OB 2.0 key given as a private key', async () => {
      const i = ob2Issuer();
      return { issuerId: i.profile, name: { en: 'X' }, publicKeys: [{ id: i.keyId, publicKeyPem: i.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }] };
    }, 'private_key_material', '/body/publicKeys/0/publicKeyPem'],
    ['an OB 2.0 key that is not PEM', async () => { const i = ob2Issuer(); return { issuerId: i.profile, name: { en: 'X' }, publicKeys: [{ id: i.keyId, publicKeyPem: 'not a key' }] }; }, 'unsupported_key', '/body/publicKeys/0/publicKeyPem'],
    ['OB 2.0 keys on a DID issuer', async () => {
      const a = await externalIssuer(); const i = ob2Issuer();
      return { issuerId: a.did, name: { en: 'X' }, didDocument: a.didDocument, publicKeys: [{ id: i.keyId, publicKeyPem: i.publicKeyPem }] };
    }, 'public_keys_for_url_issuers', '/body/publicKeys'],
  ])('refuses %s (422, naming the field; nothing written)', async (_label, body, code, pointer) => {
    const before = await entries();
    expectProblem(await add(await body()), 422, code, pointer);
    expect(await entries()).toBe(before);
  });

  it('refuses to list the bank or a registered institution as an external issuer', async () => {
    const before = await entries();
    expectProblem(await add({ issuerId: inst.did, name: { en: 'Ours' }, didDocument: { id: inst.did } }), 422, 'issuer_is_registered', '/body/issuerId');
    expect(await entries()).toBe(before);
  });

  it('refuses unknown fields and non-operators', async () => {
    const i = ob2Issuer();
    const before = await entries();
    expectProblem(await add({ issuerId: i.profile, name: { en: 'X' }, trusted: true }), 400, 'unknown_field');
    expectProblem(await add({ issuerId: i.profile, name: { en: 'X' } }, inst.token), 403, 'principal_not_allowed');
    expect(await entries()).toBe(before);
  });

  it('removal is recorded on the entry (who, when, why), is idempotent, and the row is never deleted', async () => {
    const i = ob2Issuer();
    const entry = (await add({ issuerId: i.profile, name: { en: 'OB2 Academy' }, publicKeys: [{ id: i.keyId, publicKeyPem: i.publicKeyPem }] })).json();
    expect(entry.publicKeys).toEqual([{ id: i.keyId, publicKeyPem: i.publicKeyPem }]);
    const removed = await t.app.inject({ method: 'POST', url: `/trusted-issuers/${entry.id}/removal`, headers: bearer(op), payload: { reason: 'Accreditation withdrawn' } });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ status: 'removed', changed: true, removedBy: 'operator:operator', removalReason: 'Accreditation withdrawn' });
    const again = await t.app.inject({ method: 'POST', url: `/trusted-issuers/${entry.id}/removal`, headers: bearer(op), payload: { reason: 'Again' } });
    expect(again.json()).toMatchObject({ changed: false, removalReason: 'Accreditation withdrawn' });
    expect((await ledgerFor(entry.id)).map((e) => e.event_type)).toEqual(['trusted_issuer.added', 'trusted_issuer.removed']);
    // In force: not listed; with history: listed as removed.
    const active = (await t.app.inject({ method: 'GET', url: '/trusted-issuers?limit=500' })).json().items.map((x: { id: string }) => x.id);
    expect(active).not.toContain(entry.id);
    const all = (await t.app.inject({ method: 'GET', url: '/trusted-issuers?limit=500&includeRemoved=true' })).json().items;
    // The public sees who by role only; an operator sees the client.
    expect(all.find((x: { id: string }) => x.id === entry.id)).toMatchObject({ status: 'removed', addedBy: 'operator', removedBy: 'operator' });
    expect((await t.app.inject({ method: 'GET', url: `/trusted-issuers/${entry.id}` })).json()).toMatchObject({ addedBy: 'operator', removedBy: 'operator' });
    expect((await t.app.inject({ method: 'GET', url: `/trusted-issuers/${entry.id}`, headers: bearer(op) })).json())
      .toMatchObject({ addedBy: 'operator:operator', removedBy: 'operator:operator' });
    // The database refuses to delete or rewrite an entry.
    await expect(sql`delete from trusted_issuers where id = ${entry.id}`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`update trusted_issuers set name_en = 'Other' where id = ${entry.id}`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
    // Re-adding creates a new entry; the removed one stays as history.
    const readded = await add({ issuerId: i.profile, name: { en: 'OB2 Academy' }, publicKeys: [{ id: i.keyId, publicKeyPem: i.publicKeyPem }] });
    expect(readded.statusCode).toBe(201);
    expect(readded.json().id).not.toBe(entry.id);
  });

  it('removing an unknown entry is 404; a removal needs a reason', async () => {
    expectProblem(await t.app.inject({ method: 'POST', url: '/trusted-issuers/00000000-0000-4000-8000-000000000000/removal', headers: bearer(op), payload: { reason: 'x' } }), 404, 'trusted_issuer_not_found');
    const i = ob2Issuer();
    const entry = (await add({ issuerId: i.profile, name: { en: 'Y' } })).json();
    expect((await t.app.inject({ method: 'POST', url: `/trusted-issuers/${entry.id}/removal`, headers: bearer(op), payload: {} })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: `/trusted-issuers/${entry.id}` })).json().status).toBe('active');
  });

  it('pages the list with a keyset cursor, each entry once, and rejects a forged cursor', async () => {
    for (let n = 0; n < 3; n++) await add({ issuerId: ob2Issuer().profile, name: { en: `Page ${n}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { statusCode: number; json(): any } = await t.app.inject({ method: 'GET', url: `/trusted-issuers?limit=2&includeRemoved=true${cursor ? `&cursor=${cursor}` : ''}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json().items.map((i: { id: string }) => i.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await entries());
    expectProblem(await t.app.inject({ method: 'GET', url: `/trusted-issuers?cursor=${Buffer.from('["x","y"]').toString('base64url')}` }), 400, 'invalid_cursor');
  });
});

describe('the trust list in the ledger database check', () => {
  it('rebuilds every trust-list entry body; a key swapped behind the service is reported', async () => {
    const ext = await externalIssuer();
    const entry = (await add({ issuerId: ext.did, name: { en: 'Checked' }, didDocument: ext.didDocument })).json();
    await t.app.inject({ method: 'POST', url: `/trusted-issuers/${entry.id}/removal`, headers: bearer(op), payload: { reason: 'Checked removal' } });
    const clean = (await t.app.inject({ method: 'GET', url: '/ledger/checks/database', headers: bearer(op) })).json();
    expect(clean).toMatchObject({ ok: true, problemCount: 0 });
    expect(clean.uncheckedByType ?? {}).not.toHaveProperty('trusted_issuer');
    const other = await externalIssuer(ext.did);
    // The append-only trigger refuses this; a superuser bypassing triggers is what the check is for.
    await t.ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update trusted_issuers set did_document = ${JSON.stringify(other.didDocument)}::jsonb where id = ${entry.id}`.execute(trx);
    });
    const tampered = (await t.app.inject({ method: 'GET', url: '/ledger/checks/database', headers: bearer(op) })).json();
    expect(tampered.ok).toBe(false);
    expect(tampered.problems).toEqual([expect.objectContaining({ kind: 'body-digest-mismatch', resourceType: 'trusted_issuer', resourceId: entry.id, eventType: 'trusted_issuer.added' })]);
  });
});

describe('trust decisions across service instances', () => {
  it('a look-up is cached, and an entry removed by another instance stops counting once its notification arrives', async () => {
    const trust = t.ctx.credentials.trustList;
    const cache = trust.cache!;
    await cache.whenLive();
    const ext = await externalIssuer();
    const entry = (await add({ issuerId: ext.did, name: { en: 'Elsewhere Academy' }, didDocument: ext.didDocument })).json();
    // Served from the cache: a look-up that makes no query on the table. Every change to the list
    // (this addition, and earlier tests' changes) is announced and clears the cache when PostgreSQL
    // delivers it, which may be after a look-up has cached the entry (this failed twice under load
    // when it asked for the very next look-up), so ask until one is served from the cache.
    const queries = vi.spyOn(t.ctx.db, 'selectFrom');
    await vi.waitFor(async () => {
      queries.mockClear();
      expect((await trust.active(ext.did))?.id).toBe(entry.id);
      expect(queries.mock.calls.filter(([table]) => table === 'trusted_issuers')).toEqual([]);
    }, { timeout: 5_000, interval: 20 });
    queries.mockRestore();
    // Another instance marks it removed: the trigger's notification clears this instance's cache.
    const cleared = cache.evicted(`a:${ext.did}`);
    await elsewhere(t, "update trusted_issuers set removed_at = now(), removed_by = 'operator:other', removal_reason = $1 where id = $2", ['Withdrawn elsewhere', entry.id]);
    await cleared;
    expect(await trust.active(ext.did)).toBeUndefined();
  });

  it('an unknown issuer is cached as untrusted until an entry for it is added anywhere', async () => {
    const trust = t.ctx.credentials.trustList;
    const ext = await externalIssuer();
    expect(await trust.active(ext.did)).toBeUndefined();
    const cleared = trust.cache!.evicted(`a:${ext.did}`);
    await elsewhere(t, `insert into trusted_issuers (id, issuer_id, kind, name_en, did_document, public_keys, added_by, added_at)
      values ($1, $2, 'did', 'Added elsewhere', $3, '[]', 'operator:other', now())`, [randomUUID(), ext.did, JSON.stringify(ext.didDocument)]);
    await cleared;
    expect((await trust.active(ext.did))?.name.en).toBe('Added elsewhere');
  });
});
