import { createHash, createSecretKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, createLearner, issueVc, operatorToken, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { generateKey } from '../../src/credentials/core/keys.js';
import { oneEdTechControllers } from '../helpers/vectors.js';
import { externalCredential, externalIssuer, ob2Issuer, signedOb2 } from './external-issuers.js';

let t: TestApp;
let inst: TestInstitution;
let learner: TestLearner;
beforeAll(async () => {
  t = await createTestApp({ config: { pinnedControllers: oneEdTechControllers() } });
  inst = await createInstitution(t.app, await operatorToken(t.app));
  learner = await createLearner(t.app, inst.token);
});
afterAll(async () => t.close());

const importAs = (payload: Record<string, unknown>, token = learner.token) =>
  t.app.inject({ method: 'POST', url: `/learners/${learner.id}/imports`, headers: bearer(token), payload });

function ob2(email: string, salt = 'deadsea') {
  return {
    '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion', id: 'https://badges.example.org/assertions/1',
    recipient: { type: 'email', hashed: true, salt, identity: `sha256$${createHash('sha256').update(email + salt).digest('hex')}` },
    badge: { id: 'https://badges.example.org/badges/py', type: 'BadgeClass', name: 'Python Basics', description: 'd', image: 'https://badges.example.org/badges/py.png', criteria: { narrative: 'n' }, issuer: 'https://badges.example.org/issuer' },
    verification: { type: 'hosted' }, issuedOn: '2024-05-01T00:00:00Z',
  };
}

describe('importing credentials from elsewhere', () => {
  it('a verified OB 3.0 credential from a trusted issuer counts for recognition; a second import returns the first', async () => {
    const { vc } = await issueVc(t.app, inst);
    const res = await importAs({ credential: vc });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ format: 'ob3', verified: true, trustedIssuer: true, countsForRecognition: true });
    expect((await importAs({ credential: vc })).json()).toMatchObject({ id: res.json().id, created: false });
  });

  it('the 1EdTech example verifies but its issuer is not trusted, so it does not count', async () => {
    const example = JSON.parse(readFileSync(new URL('../../credentials/vectors/ob-v3p0-signed-example.json', import.meta.url), 'utf8'));
    expect((await importAs({ credential: example })).json()).toMatchObject({ verified: true, trustedIssuer: false, countsForRecognition: false });
  });

  it('an Open Badges 2.0 assertion is checked against the recipient email hash', async () => {
    expect((await importAs({ credential: ob2('li@example.org'), email: 'li@example.org' })).json()).toMatchObject({ format: 'ob2', verified: true, countsForRecognition: false });
    expect((await importAs({ credential: ob2('someone@example.org', 'x'), email: 'li@example.org' })).json()).toMatchObject({ format: 'ob2', verified: false });
  });

  it('an Open Badges 2.0 assertion is checked field by field (types, not only presence): each flaw is named and it is not verified', async () => {
    const flawed = (change: (a: any) => void) => { const a = ob2('li@example.org') as any; change(a); return a; };
    const cases: [(a: any) => void, string][] = [
      [(a) => { delete a.badge.image; }, 'badge.image'],
      [(a) => { a.badge.issuer = { name: 'No id' }; }, 'badge.issuer'],
      [(a) => { a.badge = null; }, 'badge must be'],
      [(a) => { a.recipient.type = 'url'; }, 'recipient.type must be email'],
      [(a) => { a.issuedOn = 'yesterday'; }, 'issuedOn must be a date'],
      [(a) => { a.revoked = true; a.revocationReason = 'issued in error'; }, 'marked revoked: issued in error'],
    ];
    for (const [change, named] of cases) {
      const r = (await importAs({ credential: flawed(change), email: 'li@example.org' })).json();
      expect(r.verified, named).toBe(false);
      expect(JSON.stringify(r.checks.problems), named).toContain(named);
    }
  });

  it('a legacy Open Badges 0.5 assertion goes through openbadges-validator offline', async () => {
    const legacy = { recipient: 'li@example.org', badge: { version: '0.5.0', name: 'Old', image: 'https://x.example/i.png', description: 'd', criteria: 'https://x.example/c', issuer: { origin: 'https://x.example', name: 'X' } } };
    const r = (await importAs({ credential: legacy })).json();
    expect(r).toMatchObject({ format: 'ob1', verification: 'openbadges-validator:offline-structure', verified: true });
    const bad = (await importAs({ credential: { ...legacy, badge: { ...legacy.badge, issuer: { name: 'X' } } } })).json();
    expect(bad.verified).toBe(false);
  });

  it('another learner cannot import into this record', async () => {
    const other = await createLearner(t.app, inst.token);
    expect((await importAs({ credential: ob2('a@b.c'), email: 'a@b.c' }, other.token)).statusCode).toBe(403);
  });
});

describe('imports from issuers on the trust list', () => {
  let op: string;
  beforeAll(async () => { op = await operatorToken(t.app); });
  const trust = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/trusted-issuers', headers: bearer(op), payload });
  const importsOf = async (id = learner.id) => Number((await t.ctx.db.selectFrom('credential_imports').select((e) => e.fn.countAll().as('n')).where('learner_id', '=', id).executeTakeFirstOrThrow()).n);

  it('a did:web issuer not on the list cannot be resolved offline; once listed its credential verifies, is trusted and counts', async () => {
    const ext = await externalIssuer();
    const vc = await externalCredential(ext);
    const verifyBefore = (await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();
    expect(verifyBefore.results.find((r: { check: string }) => r.check === 'issuer')).toMatchObject({ status: 'fail', code: 'unknown_issuer' });
    const entry = (await trust({ issuerId: ext.did, name: { en: 'External Academy', zh: '外部学院' }, didDocument: ext.didDocument })).json();
    const verified = (await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();
    expect(verified.results.find((r: { check: string }) => r.check === 'proof')).toMatchObject({ status: 'pass' });
    expect(verified.results.find((r: { check: string }) => r.check === 'issuer')).toMatchObject({ status: 'pass' });
    expect(verified.summary.issuer).toMatchObject({ id: ext.did, known: true });
    const res = await importAs({ credential: vc });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ format: 'ob3', verification: 'w3c-vc:eddsa-rdfc-2022', verified: true, trustedIssuer: true, countsForRecognition: true,
      issuer: ext.did, trustEntry: { id: entry.id, status: 'active', removedAt: null } });
    expect(res.json().evidence.credential).toEqual(vc);
    const jwt = await externalCredential(ext, 'vc+jwt');
    expect((await importAs({ credential: jwt })).json()).toMatchObject({ verification: 'w3c-vc:vc+jwt', verified: true, countsForRecognition: true,
      evidence: { mediaType: 'application/jwt', credential: jwt } });
  });

  it('an OB 3.0 issuer named by an https URL verifies from its stored controller document once listed', async () => {
    const ext = await externalIssuer(`https://ob3-${randomUUID().slice(0, 8)}.example.org/issuers/1`);
    const vc = await externalCredential(ext);
    const unlisted = (await importAs({ credential: vc })).json();
    expect(unlisted).toMatchObject({ verified: false, trustedIssuer: false, countsForRecognition: false });
    const entry = await trust({ issuerId: ext.did, name: { en: 'URL Issuer' }, didDocument: ext.didDocument });
    expect(entry.statusCode, entry.body).toBe(201);
    expect((await importAs({ credential: await externalCredential(ext) })).json()).toMatchObject({ verified: true, trustedIssuer: true, countsForRecognition: true, trustEntry: { id: entry.json().id } });
  });

  it('a credential from an issuer not on the list is imported, verified, but marked untrusted; listed, the next one counts', async () => {
    const pair = await generateKey('did:key:pending');
    const didKey = `did:key:${pair.publicKeyMultibase}`;
    const ext = { did: didKey, key: { ...pair, id: `${didKey}#${pair.publicKeyMultibase}`, controller: didKey }, didDocument: {} };
    const res = await importAs({ credential: await externalCredential(ext) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ verified: true, trustedIssuer: false, countsForRecognition: false, trustEntry: null });
    // A did:key resolves from the identifier alone, so its entry needs no DID document.
    const entry = await trust({ issuerId: didKey, name: { en: 'Key-only Issuer' } });
    expect(entry.statusCode, entry.body).toBe(201);
    expect((await importAs({ credential: await externalCredential(ext) })).json()).toMatchObject({ verified: true, countsForRecognition: true, trustEntry: { id: entry.json().id } });
  });

  it('removal is not retroactive: earlier imports keep counting and name the removed entry; new ones no longer count', async () => {
    const ext = await externalIssuer();
    const entry = (await trust({ issuerId: ext.did, name: { en: 'Soon Removed' }, didDocument: ext.didDocument })).json();
    const before = (await importAs({ credential: await externalCredential(ext) })).json();
    expect(before.countsForRecognition).toBe(true);
    const removal = await t.app.inject({ method: 'POST', url: `/trusted-issuers/${entry.id}/removal`, headers: bearer(op), payload: { reason: 'No longer accredited' } });
    expect(removal.statusCode).toBe(200);
    const after = (await importAs({ credential: await externalCredential(ext) })).json();
    // The stored document still checks the signature; only trust is withdrawn.
    expect(after).toMatchObject({ verified: true, trustedIssuer: false, countsForRecognition: false, trustEntry: null });
    const listed = (await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/imports?limit=500`, headers: bearer(learner.token) })).json().items;
    expect(listed.find((i: { id: string }) => i.id === before.id)).toMatchObject({ countsForRecognition: true, trustEntry: { id: entry.id, status: 'removed' } });
    expect(listed.find((i: { id: string }) => i.id === after.id)).toMatchObject({ countsForRecognition: false });
  });

  it('a signed Open Badges 2.0 assertion is verified with the trust list key (RS256 and ES256) and counts', async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const issuer = ob2Issuer(alg);
      const entry = (await trust({ issuerId: issuer.profile, name: { en: 'OB2 Academy' }, publicKeys: [{ id: issuer.keyId, publicKeyPem: issuer.publicKeyPem }] })).json();
      const res = await importAs({ credential: await signedOb2(issuer, 'li@example.org'), email: 'li@example.org' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ format: 'ob2', verification: `ob2-signed:${alg}`, verified: true, trustedIssuer: true, countsForRecognition: true,
        issuer: issuer.profile, name: 'Rust Foundations', trustEntry: { id: entry.id }, checks: { signature: { valid: true, creator: issuer.keyId }, problems: [] } });
    }
  });

  it('a signed OB 2.0 assertion whose signature or recipient does not hold is imported unverified', async () => {
    const issuer = ob2Issuer();
    await trust({ issuerId: issuer.profile, name: { en: 'OB2 Academy' }, publicKeys: [{ id: issuer.keyId, publicKeyPem: issuer.publicKeyPem }] });
    const forged = await signedOb2(issuer, 'li@example.org', { key: ob2Issuer().privateKey });
    const bad = (await importAs({ credential: forged, email: 'li@example.org' })).json();
    expect(bad).toMatchObject({ verified: false, countsForRecognition: false, checks: { signature: { valid: false } } });
    expect(bad.checks.problems[0]).toMatch(/signature does not verify/);
    const other = (await importAs({ credential: await signedOb2(issuer, 'someone@example.org'), email: 'li@example.org' })).json();
    expect(other).toMatchObject({ verified: false, checks: { signature: { valid: true }, recipientMatches: false } });
  });

  it('refuses a signed OB 2.0 assertion it cannot check, with a stable code; nothing is written', async () => {
    const unknown = ob2Issuer();
    const before = await importsOf();
    const res = await importAs({ credential: await signedOb2(unknown, 'li@example.org'), email: 'li@example.org' });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'ob2_signing_key_unavailable', errors: [{ pointer: '/body/credential' }] });
    const hmac = await signedOb2(unknown, 'li@example.org', { alg: 'HS256', key: createSecretKey(Buffer.alloc(32, 1)) });
    expect((await importAs({ credential: hmac, email: 'li@example.org' })).json()).toMatchObject({ code: 'ob2_unsupported_algorithm', errors: [{ pointer: '/body/credential' }] });
    const [, payload, signature] = (await signedOb2(unknown, 'li@example.org')).split('.');
    expect((await importAs({ credential: `bm90LWpzb24.${payload}.${signature}`, email: 'li@example.org' })).json()).toMatchObject({ status: 422, code: 'ob2_malformed_jws' });
    // An algorithm named like an Object.prototype member is not taken for a supported one.
    const protoAlg = Buffer.from(JSON.stringify({ alg: 'constructor' })).toString('base64url');
    expect((await importAs({ credential: `${protoAlg}.${payload}.${signature}`, email: 'li@example.org' })).json()).toMatchObject({ code: 'ob2_unsupported_algorithm' });
    const noEmail = await importAs({ credential: await signedOb2(unknown, 'li@example.org') });
    expect(noEmail.json()).toMatchObject({ code: 'email_required', errors: [{ pointer: '/body/email' }] });
    expect(await importsOf()).toBe(before);
  });

  it('a signed OB 2.0 assertion sent as plain JSON proves nothing and is not verified', async () => {
    const a = { ...ob2('li@example.org', 'plain'), verification: { type: 'SignedBadge', creator: 'https://x.example.org/keys/1' } };
    const r = (await importAs({ credential: a, email: 'li@example.org' })).json();
    expect(r).toMatchObject({ format: 'ob2', verified: false, countsForRecognition: false });
    expect(r.checks.problems).toContain('a signed assertion must be imported as its JWS: without the signature nothing proves it');
  });

  it('every import is in the ledger; the database check rebuilds each body, naming its trust-list entry', async () => {
    const ext = await externalIssuer();
    const entry = (await trust({ issuerId: ext.did, name: { en: 'Ledgered' }, didDocument: ext.didDocument })).json();
    const imported = (await importAs({ credential: await externalCredential(ext) })).json();
    const rows = await t.ctx.db.selectFrom('ledger_entries').select(['event_type', 'body_digest']).where('resource_type', '=', 'credential_import').where('resource_id', '=', imported.id).execute();
    expect(rows.map((r) => r.event_type)).toEqual(['credential.imported']);
    const { importedBody } = await import('../../src/credentials/ledger/event-bodies.js');
    const { eventBodyDigest } = await import('../../src/ledger/merkle/ledger-entry.js');
    const row = await t.ctx.db.selectFrom('credential_imports').selectAll().where('id', '=', imported.id).executeTakeFirstOrThrow();
    expect(importedBody(row)).toMatchObject({ trustEntryId: entry.id, trustedIssuer: true });
    expect(rows[0]!.body_digest).toBe(eventBodyDigest(importedBody(row)));
    expect((await t.app.inject({ method: 'GET', url: '/ledger/checks/database', headers: bearer(op) })).json()).toMatchObject({ ok: true, problemCount: 0 });
  });

  it('an operator importing for an unknown learner gets 404 and nothing is written', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const res = await t.app.inject({ method: 'POST', url: `/learners/${id}/imports`, headers: bearer(op), payload: { credential: ob2('a@b.c'), email: 'a@b.c' } });
    expect(res.json()).toMatchObject({ status: 404, code: 'learner_not_found' });
    expect(await importsOf(id)).toBe(0);
  });
});

describe('listing imports and the record', () => {
  let reader: TestLearner;
  let op: string;
  beforeAll(async () => {
    op = await operatorToken(t.app);
    reader = await createLearner(t.app, inst.token);
    for (let n = 0; n < 5; n++) {
      const res = await t.app.inject({ method: 'POST', url: `/learners/${reader.id}/imports`, headers: bearer(reader.token), payload: { credential: ob2(`r${n}@example.org`, `s${n}`), email: `r${n}@example.org` } });
      if (res.statusCode !== 201) throw new Error(res.body);
    }
  });
  const list = (token: string | undefined, query = '') => t.app.inject({ method: 'GET', url: `/learners/${reader.id}/imports${query}`, headers: token ? bearer(token) : {} });

  it('pages newest first with a keyset cursor, each import once, with its mark and original', async () => {
    const seen: { id: string; importedAt: string }[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(reader.token, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().view).toBe('whole');
      expect(res.json().items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((s) => s.id)).size).toBe(5);
    const times = seen.map((s) => s.importedAt);
    expect(times).toEqual([...times].sort().reverse());
    const first = (await list(op, '?limit=500')).json().items.at(-1);
    expect(first).toMatchObject({ format: 'ob2', verification: 'ob2-offline-shape+recipient', verified: true, trustedIssuer: false, countsForRecognition: false,
      issuer: 'https://badges.example.org/issuer', evidence: { mediaType: 'application/json', credential: ob2('r0@example.org', 's0') } });
    expect(first.evidence.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('follows the record access rule: other learners are refused, an institution without a whole-record share sees nothing', async () => {
    expect((await list(learner.token)).json()).toMatchObject({ status: 403, code: 'other_learner' });
    const depositor = (await list(inst.token)).json();
    expect(depositor).toEqual({ items: [], nextCursor: null, view: 'partial' });
    await t.app.inject({ method: 'POST', url: `/learners/${reader.id}/shares`, headers: bearer(reader.token), payload: { recipient: { institutionId: inst.id }, expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } })
      .then((r) => { if (r.statusCode !== 201) throw new Error(`share: ${r.statusCode} ${r.body}`); });
    expect((await list(inst.token, '?limit=500')).json()).toMatchObject({ view: 'whole', items: { length: 5 } });
  });

  it('rejects a forged cursor and an unknown learner', async () => {
    expect((await list(reader.token, `?cursor=${Buffer.from('["nope","x"]').toString('base64url')}`)).json()).toMatchObject({ status: 400, code: 'invalid_cursor' });
    const res = await t.app.inject({ method: 'GET', url: '/learners/00000000-0000-4000-8000-000000000002/imports', headers: bearer(op) });
    expect(res.json()).toMatchObject({ status: 404, code: 'learner_not_found' });
  });

  it('the transcript and the record export show imports with their verification mark', async () => {
    const transcript = (await t.app.inject({ method: 'GET', url: `/learners/${reader.id}/record`, headers: bearer(reader.token) })).json();
    expect(transcript.importedCredentials).toHaveLength(5);
    expect(transcript.importedCredentials[0]).toMatchObject({ format: 'ob2', verification: 'ob2-offline-shape+recipient', verified: true, countsForRecognition: false });
    expect(transcript.importedCredentials[0].evidence).toBeUndefined();
    const exported = (await t.app.inject({ method: 'GET', url: `/learners/${reader.id}/record/export`, headers: bearer(reader.token) })).json();
    expect(exported.importedCredentials).toHaveLength(5);
    expect(exported.importedCredentials[4].evidence.credential).toEqual(ob2('r0@example.org', 's0'));
    const stranger = await createInstitution(t.app, op);
    const partial = (await t.app.inject({ method: 'GET', url: `/learners/${reader.id}/record`, headers: bearer(stranger.token) })).json();
    expect(partial).toMatchObject({ view: 'partial', importedCredentials: [] });
  });
});
