import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClrCredential } from '../../src/credentials/core/builders.js';
import { createDocumentLoader } from '../../src/credentials/core/document-loader.js';
import { signCredential } from '../../src/credentials/core/suites.js';
import { importedBody } from '../../src/credentials/ledger/event-bodies.js';
import { eventBodyDigest } from '../../src/ledger/merkle/ledger-entry.js';
import { bearer, createInstitution, obCredential, type TestInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { get, post, publishRule, world, type World } from '../recognition/service-fixtures.js';
import { externalIssuer, type ExternalIssuer } from './external-issuers.js';

// A learner moves from a peer credit bank (学分银行) and brings her transcript as a CLR 2.0 signed by
// that bank, bundling course credentials of colleges this bank has never heard of. Each course must
// become something she can ask recognition for, trusted because the peer bank vouches for it.

let t: TestApp;
let w: World;
let peer: ExternalIssuer; // the peer credit bank: on the trust list
let college: ExternalIssuer; // a college of the peer bank's region: not on the trust list
let peerEntry: string;

const loaderFor = (...issuers: ExternalIssuer[]) => createDocumentLoader({ documents: Object.fromEntries(issuers.map((i) => [i.did, i.didDocument])) });

/** A course credential of `issuer` with this name and ECTS credits, signed (Data Integrity or vc+jwt). */
async function course(issuer: ExternalIssuer, name: string, suite: 'eddsa-rdfc-2022' | 'eddsa-jcs-2022' | 'vc+jwt' = 'eddsa-rdfc-2022', tamper?: (c: any) => void) {
  const base = obCredential(issuer.did, { id: `urn:uuid:${randomUUID()}`, validFrom: '2025-01-15T00:00:00Z', name });
  const cs = base.credentialSubject as Record<string, any>;
  const vc = { ...base, credentialSubject: { ...cs, achievement: { ...cs.achievement, id: `https://college.example/courses/${randomUUID()}`, name, fieldOfStudy: '0613',
    alignment: [{ type: ['Alignment'], targetFramework: 'ects', targetName: 'ECTS', targetUrl: 'https://ects.example' }], creditsAvailable: 5 }, creditsEarned: 5 } };
  const signed = await signCredential(vc, { suite, key: issuer.key, documentLoader: loaderFor(issuer), now: '2025-01-15T00:00:00Z' });
  if (tamper && typeof signed !== 'string') tamper(signed);
  return signed;
}

/** The credential as a CLR bundles it: an object as is, a JWT enveloped (VCDM 2.0 §4.13). */
const bundled = (c: Record<string, unknown> | string) => (typeof c === 'string'
  ? { '@context': 'https://www.w3.org/ns/credentials/v2', id: `data:application/vc+jwt,${c}`, type: 'EnvelopedVerifiableCredential' } : c);

/** A CLR 2.0 transcript from `issuer` bundling these credentials, signed by it. */
async function clr(issuer: ExternalIssuer, credentials: (Record<string, unknown> | string)[], suite: 'eddsa-rdfc-2022' | 'vc+jwt' = 'eddsa-rdfc-2022') {
  const unsigned = buildClrCredential({
    id: `urn:uuid:${randomUUID()}`, name: '学习成果档案 Transcript', issuer: { id: issuer.did, name: '同行学分银行 Peer Credit Bank' }, validFrom: '2025-06-01T00:00:00Z',
    subject: { identifier: [{ identityType: 'identifier', identityHash: `sha256$${'cd'.repeat(32)}`, salt: 'peer' }] },
    credentials: credentials.map(bundled) as Record<string, unknown>[],
  });
  return signCredential(unsigned, { suite, key: issuer.key, documentLoader: loaderFor(issuer), now: '2025-06-01T00:00:00Z' });
}

async function importIt(credential: unknown, expected = 201): Promise<Record<string, any>> {
  const res = await post(t.app, `/learners/${w.learner.id}/imports`, w.learner.token, { credential });
  expect(res.statusCode, res.body).toBe(expected);
  return res.json();
}

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  peer = await externalIssuer();
  college = await externalIssuer();
  const entry = await post(t.app, '/trusted-issuers', w.op, { issuerId: peer.did, name: { zh: '同行学分银行', en: 'Peer Credit Bank' }, didDocument: peer.didDocument });
  expect(entry.statusCode, entry.body).toBe(201);
  peerEntry = entry.json().id;
});
afterAll(async () => t.close());

describe('a CLR transcript from a trusted peer bank', () => {
  let target: TestInstitution;
  let imported: Record<string, any>;
  let rule: Record<string, any>;

  beforeAll(async () => {
    target = await createInstitution(t.app, w.op);
    rule = await publishRule(t.app, target.token, { type: 'block', definition: { pattern: { kinds: ['course'], institutionIds: [peerEntry] }, credits: '4', category: 'elective', conditions: { allowLowerLevel: true } } });
    imported = await importIt(await clr(peer, [await course(college, '数据结构 Data Structures'), await course(college, '操作系统 Operating Systems', 'eddsa-jcs-2022')]));
  });

  it('is kept whole and does not count itself; each bundled course becomes an import that counts through the peer bank', async () => {
    expect(imported).toMatchObject({ format: 'clr', verified: true, trustedIssuer: true, countsForRecognition: false, partOf: null, trustEntry: { id: peerEntry }, created: true });
    expect(imported.parts).toHaveLength(2);
    expect(imported.parts.map((p: { name: string }) => p.name)).toEqual(['数据结构 Data Structures', '操作系统 Operating Systems']);
    for (const p of imported.parts) {
      // The college is unknown to the bank, so is its key: trusted through the peer bank, whose proof covers the course.
      expect(p).toMatchObject({ format: 'ob3', verified: true, trustedIssuer: true, countsForRecognition: true, issuer: college.did, partOf: imported.id, trustEntry: { id: peerEntry } });
      expect(p.verification).toMatch(/\+clr-issuer$/);
    }
    expect(imported.parts[1].verification).toBe('w3c-vc:eddsa-jcs-2022+clr-issuer');
    const list = (await get(t.app, `/learners/${w.learner.id}/imports`, w.learner.token)).json();
    const ids = list.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([imported.id, ...imported.parts.map((p: { id: string }) => p.id)]));
    // The part keeps the bundled credential verbatim, and its own checks: the proof could not be checked here.
    const part = list.items.find((i: { id: string }) => i.id === imported.parts[1].id);
    expect(part.evidence).toMatchObject({ mediaType: 'application/json', credential: { name: '操作系统 Operating Systems' } });
    expect(part.checks).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'proof', status: 'fail', code: 'key_not_found' })]));
    expect(part.partOf).toBe(imported.id);
    const record = (await get(t.app, `/learners/${w.learner.id}/record`, w.learner.token)).json();
    expect(record.importedCredentials.find((i: { id: string }) => i.id === imported.parts[0].id)).toMatchObject({ partOf: imported.id, countsForRecognition: true });
  });

  it('recognition evaluates each course by name; the CLR itself is refused with the reason', async () => {
    const parts = imported.parts.map((p: { id: string }) => p.id);
    const res = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: target.id, achievementIds: [], importIds: parts });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().outcomes).toEqual(expect.arrayContaining(parts.map((id: string) => expect.objectContaining({ achievementId: id, status: 'match', ruleId: rule.id, credits: '4' }))));
    expect(res.json().outcomes.map((o: { explanation: string }) => o.explanation).join(' ')).toContain('数据结构 Data Structures');
    const whole = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: target.id, achievementIds: [], importIds: [parts[0], imported.id] });
    expect(whole.statusCode).toBe(422);
    expect(whole.json()).toMatchObject({ code: 'import_not_counting', errors: [{ pointer: '/body/importIds/1' }] });
    expect(whole.json().errors[0].message).toMatch(/counts through the credentials it bundles/);
    const granted = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: target.id, importIds: [parts[0]] });
    expect(granted.statusCode, granted.body).toBe(201);
    expect(granted.json().items[0]).toMatchObject({ sourceKind: 'import', status: 'decided', credits: [expect.objectContaining({ sourceImportIds: [parts[0]], sourceTrustEntryIds: [peerEntry] })] });
  });

  it("a reviewer reads what the course states and who taught it; the peer bank is who vouches", async () => {
    const elsewhere = await createInstitution(t.app, w.op); // no rule for it: the course is queued for review
    const req = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: elsewhere.id, importIds: [imported.parts[1].id] });
    expect(req.statusCode, req.body).toBe(201);
    const expected = {
      title: '操作系统 Operating Systems', kind: 'credential', provider: { id: peerEntry, name: '同行学分银行 Peer Credit Bank' },
      credits: '5', creditSystemId: 'ects', completedOn: '2025-01-15', verification: 'w3c-vc:eddsa-jcs-2022+clr-issuer',
      provenance: { issuer: `测试大学 Test University (${college.did})`, method: `bundled in an imported CLR transcript (import ${imported.id})` },
    };
    expect(req.json().items[0]).toMatchObject({ status: 'queued', subject: expected });
    const queue = await get(t.app, `/institutions/${elsewhere.id}/recognition/queue`, elsewhere.token);
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.find((i: { achievementId: string }) => i.achievementId === imported.parts[1].id).subject).toMatchObject(expected);
  });

  it('importing the same transcript again changes nothing and answers the same parts', async () => {
    const before = await t.ctx.db.selectFrom('credential_imports').select((e) => e.fn.countAll().as('n')).where('learner_id', '=', w.learner.id).executeTakeFirstOrThrow();
    const again = await importIt(imported.evidence.credential, 200);
    expect(again).toMatchObject({ id: imported.id, created: false });
    expect(again.parts.map((p: { id: string }) => p.id)).toEqual(imported.parts.map((p: { id: string }) => p.id));
    const after = await t.ctx.db.selectFrom('credential_imports').select((e) => e.fn.countAll().as('n')).where('learner_id', '=', w.learner.id).executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });

  it('every part is in the ledger, naming its CLR, and the ledger check rebuilds it', async () => {
    const entries = await t.ctx.db.selectFrom('ledger_entries').select(['resource_id', 'body_digest']).where('learner_id', '=', w.learner.id)
      .where('event_type', '=', 'credential.imported').execute();
    const digests = new Map(entries.map((e) => [e.resource_id, e.body_digest]));
    const rows = await t.ctx.db.selectFrom('credential_imports').select(['id', 'digest', 'format', 'verification', 'verified', 'trusted_issuer', 'trust_entry_id', 'part_of'])
      .where('learner_id', '=', w.learner.id).where('id', 'in', [imported.id, ...imported.parts.map((p: { id: string }) => p.id)]).execute();
    for (const r of rows) {
      const body = importedBody(r);
      expect(body.partOf).toBe(r.id === imported.id ? undefined : imported.id);
      expect(digests.get(r.id)).toBe(eventBodyDigest(body));
    }
    expect((await t.app.inject({ method: 'GET', url: '/ledger/checks/database', headers: bearer(w.op) })).json()).toMatchObject({ ok: true, problemCount: 0 });
  });
});

describe('a CLR transcript signed as a JWT', () => {
  it('opens the same way, and a second import of the token finds the same parts', async () => {
    const token = await clr(peer, [await course(college, '微观经济学 Microeconomics')], 'vc+jwt');
    expect(typeof token).toBe('string');
    const first = await importIt(token);
    expect(first).toMatchObject({ format: 'clr', verification: 'w3c-vc:vc+jwt', verified: true, countsForRecognition: false });
    expect(first.parts).toEqual([expect.objectContaining({ name: '微观经济学 Microeconomics', partOf: first.id, countsForRecognition: true, trustEntry: expect.objectContaining({ id: peerEntry }) })]);
    const again = await importIt(token, 200);
    expect(again.parts.map((p: { id: string }) => p.id)).toEqual(first.parts.map((p: { id: string }) => p.id));
  });
});

describe('what a CLR cannot make count', () => {
  it('more than 1,000 bundled credentials: 422 clr_too_large naming the field, nothing written', async () => {
    const count = async () => Number((await t.ctx.db.selectFrom('credential_imports').select((e) => e.fn.countAll().as('n'))
      .where('learner_id', '=', w.learner.id).executeTakeFirstOrThrow()).n);
    const before = await count();
    const huge = { ...(await clr(peer, [await course(college, '体育 Physical Education')]) as Record<string, any>) };
    huge.credentialSubject = { ...huge.credentialSubject, verifiableCredential: Array.from({ length: 1_001 }, (_, i) => ({ '@context': ['https://www.w3.org/ns/credentials/v2'], id: `urn:x:${i}` })) };
    const res = await post(t.app, `/learners/${w.learner.id}/imports`, w.learner.token, { credential: huge });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'clr_too_large', errors: [{ pointer: '/body/credential' }] });
    expect(await count()).toBe(before);
  });


  it('entries that are no credential are left out; odd values never give a 500', async () => {
    const good = await course(college, '统计学 Statistics');
    const odd = [null, 42, 'not a credential', {}, [], { type: ['VerifiableCredential'] }];
    const unsigned = { ...(await clr(peer, [good]) as Record<string, any>) };
    delete unsigned.proof; // unsigned: the CLR does not verify, so it vouches for nothing
    unsigned.credentialSubject = { ...unsigned.credentialSubject, verifiableCredential: [...odd, good] };
    const imp = await importIt(unsigned);
    expect(imp).toMatchObject({ format: 'clr', verified: false, countsForRecognition: false });
    expect(imp.parts).toEqual([expect.objectContaining({ name: '统计学 Statistics', partOf: imp.id, trustedIssuer: false, countsForRecognition: false })]);
    for (const value of [null, 7, 'x', {}, [null]]) {
      const c = { ...unsigned, id: `urn:uuid:${randomUUID()}`, credentialSubject: { ...unsigned.credentialSubject, verifiableCredential: value } };
      const res = await post(t.app, `/learners/${w.learner.id}/imports`, w.learner.token, { credential: c });
      expect(res.statusCode, res.body).toBeLessThan(500);
    }
  });


  it('a transcript from an issuer the bank does not trust: its courses verify but do not count', async () => {
    const stranger = await externalIssuer();
    // Resolvable only through the trust list's stored documents or did:key: unlisted did:web issuers fail the proof too.
    const imp = await importIt(await clr(stranger, [await course(college, '编译原理 Compilers')]));
    expect(imp).toMatchObject({ format: 'clr', trustedIssuer: false, countsForRecognition: false });
    expect(imp.parts).toEqual([expect.objectContaining({ trustedIssuer: false, countsForRecognition: false, partOf: imp.id })]);
  });

  it('a course altered after its issuer signed it fails on its own when its key is known; the others still count', async () => {
    const listed = await externalIssuer();
    expect((await post(t.app, '/trusted-issuers', w.op, { issuerId: listed.did, name: { en: 'Listed Institute' }, didDocument: listed.didDocument })).statusCode).toBe(201);
    const altered = await course(listed, '线性代数 Linear Algebra', 'eddsa-rdfc-2022', (c) => { c.credentialSubject.creditsEarned = 50; });
    const imp = await importIt(await clr(peer, [altered, await course(college, '概率论 Probability')]));
    expect(imp).toMatchObject({ verified: true, trustedIssuer: true });
    expect(imp.parts[0]).toMatchObject({ name: '线性代数 Linear Algebra', verified: false, countsForRecognition: false });
    expect(imp.parts[1]).toMatchObject({ name: '概率论 Probability', verified: true, countsForRecognition: true });
  });

  it('a CLR bundling an enveloped JWT is not CLR 2.0 (its credentials are objects): the CLR vouches for nothing, the JWT is judged alone', async () => {
    const listed = await externalIssuer();
    const own = (await post(t.app, '/trusted-issuers', w.op, { issuerId: listed.did, name: { en: 'JWT Academy' }, didDocument: listed.didDocument })).json();
    const imp = await importIt(await clr(peer, [await course(listed, '算法 Algorithms', 'vc+jwt'), await course(college, '离散数学 Discrete Mathematics')]));
    expect(imp).toMatchObject({ verified: false, countsForRecognition: false });
    expect(imp.parts[0]).toMatchObject({ format: 'ob3', verification: 'w3c-vc:vc+jwt', verified: true, countsForRecognition: true, trustEntry: { id: own.id } });
    expect(imp.parts[1]).toMatchObject({ verified: false, trustedIssuer: false, countsForRecognition: false });
  });

  it('a course the learner imported before keeps its own import and judgement; one listed on its own entry is trusted on it', async () => {
    const listed = await externalIssuer();
    const own = (await post(t.app, '/trusted-issuers', w.op, { issuerId: listed.did, name: { en: 'Listed Academy' }, didDocument: listed.didDocument })).json();
    const earlier = await course(listed, '网络 Networks');
    const first = await importIt(earlier);
    const later = await course(listed, '数据库 Databases');
    const imp = await importIt(await clr(peer, [earlier, later]));
    expect(imp.parts[0]).toMatchObject({ id: first.id, partOf: null, trustEntry: { id: own.id } });
    expect(imp.parts[1]).toMatchObject({ partOf: imp.id, trustEntry: { id: own.id }, verification: 'w3c-vc:eddsa-rdfc-2022' });
    const rows = await t.ctx.db.selectFrom('credential_imports').select('id').where('learner_id', '=', w.learner.id).where('digest', '=', first.evidence.digest).execute();
    expect(rows).toHaveLength(1);
  });
});
