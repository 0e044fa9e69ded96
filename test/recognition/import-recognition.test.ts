import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentLoader } from '../../src/credentials/core/document-loader.js';
import { generateKey } from '../../src/credentials/core/keys.js';
import { signCredential } from '../../src/credentials/core/suites.js';
import { createInstitution, issueVc, obCredential, type TestInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { externalIssuer, type ExternalIssuer } from '../credentials/external-issuers.js';
import { get, item, achieve, post, publishRule, world, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;
let ext: ExternalIssuer;
let entryId: string;

/** An OB 3.0 credential from the external issuer with this achievement and subject content, signed. */
async function credential(achievement: Record<string, unknown>, subject: Record<string, unknown> = {}, issuer = ext) {
  const base = obCredential(issuer.did, { id: `urn:uuid:${randomUUID()}`, validFrom: '2025-01-15T00:00:00Z' });
  const cs = base.credentialSubject as Record<string, unknown>;
  const vc = { ...base, credentialSubject: { ...cs, ...subject, achievement: { ...(cs.achievement as object), id: `https://academy.example/a/${randomUUID()}`, ...achievement } } };
  const loader = createDocumentLoader({ documents: { [issuer.did]: issuer.didDocument } });
  return signCredential(vc, { suite: 'eddsa-rdfc-2022', key: issuer.key, documentLoader: loader, now: '2025-01-15T00:00:00Z' });
}

async function importCredential(vc: unknown, email?: string): Promise<Record<string, any>> {
  const res = await post(t.app, `/learners/${w.learner.id}/imports`, w.learner.token, { credential: vc, ...(email ? { email } : {}) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const course = { achievementType: 'Course', creditsAvailable: 5, fieldOfStudy: '0613', alignment: [{ type: ['Alignment'], targetFramework: 'ects', targetName: 'ECTS', targetUrl: 'https://ects.example' }] };
const request = (body: Record<string, unknown>, target: TestInstitution = w.target) =>
  post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: target.id, ...body });
const requestCount = async () => Number((await t.ctx.db.selectFrom('recognition_requests').select((e) => e.fn.countAll().as('n'))
  .where('learner_id', '=', w.learner.id).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  ext = await externalIssuer();
  const entry = await post(t.app, '/trusted-issuers', w.op, { issuerId: ext.did, name: { en: 'Open Academy' }, didDocument: ext.didDocument });
  expect(entry.statusCode, entry.body).toBe(201);
  entryId = entry.json().id;
});
afterAll(async () => t.close());

describe('recognition of imported credentials', () => {
  let target: TestInstitution;
  let imported: Record<string, any>;
  let rule: Record<string, any>;

  beforeAll(async () => {
    target = await createInstitution(t.app, w.op);
    rule = await publishRule(t.app, target.token, { type: 'block', definition: { pattern: { kinds: ['course'], institutionIds: [entryId] }, credits: '4', category: 'elective', conditions: { allowLowerLevel: true } } });
    imported = await importCredential(await credential(course));
    expect(imported).toMatchObject({ countsForRecognition: true, trustEntry: { id: entryId } });
  });

  it('the own-record preview matches a trusted import by kind and trust-list entry', async () => {
    const res = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: target.id, achievementIds: [], importIds: [imported.id] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().outcomes).toEqual([expect.objectContaining({ achievementId: imported.id, status: 'match', ruleId: rule.id, credits: '4' })]);
    expect(res.json().totals.total).toBe('4');
  });

  it('a request grants it automatically; the credit names the import, and the record links it to the imported credential', async () => {
    const res = await request({ importIds: [imported.id], note: 'course from Open Academy' }, target);
    expect(res.statusCode, res.body).toBe(201);
    const [it0] = res.json().items;
    expect(it0).toMatchObject({ achievementId: imported.id, sourceKind: 'import', status: 'decided', evaluation: { status: 'match', ruleId: rule.id } });
    expect(it0.decisions).toEqual([expect.objectContaining({ kind: 'automatic', outcome: 'approve', credits: '4.00', reviewer: 'engine' })]);
    // The decision cites the exact credential it rests on (the import's SHA-256), so its ledger entry commits to it.
    expect(it0.decisions[0].evidence).toContain(`credential-import:${imported.id} sha256:${imported.evidence.digest}`);
    expect(it0.credits).toEqual([expect.objectContaining({ credits: '4.00', category: 'elective', sourceAchievementIds: [], sourceImportIds: [imported.id], status: 'active' })]);
    // An external issuer is not a bank institution: the credit names its trust-list entry instead.
    expect(it0.credits[0].sourceTrustEntryIds).toEqual([entryId]);
    const row = await t.ctx.db.selectFrom('recognised_credits').select(['source_institution_ids', 'source_import_ids', 'source_trust_entry_ids', 'granted_entry_id'])
      .where('learner_id', '=', w.learner.id).where('id', '=', it0.credits[0].id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source_institution_ids: [], source_import_ids: [imported.id], source_trust_entry_ids: [entryId] });
    const entry = await t.ctx.db.selectFrom('ledger_entries').select(['event_type']).where('learner_id', '=', w.learner.id).where('id', '=', row.granted_entry_id).executeTakeFirstOrThrow();
    expect(entry.event_type).toBe('recognition.credit-granted');

    const record = (await get(t.app, `/learners/${w.learner.id}/record`, w.learner.token)).json();
    const credit = record.groups.flatMap((g: { recognised: any[] }) => g.recognised).find((c: { id: string }) => c.id === it0.credits[0].id);
    expect(credit).toMatchObject({ targetInstitutionId: target.id, credits: '4.00', sources: { achievementIds: [], institutionIds: [], importIds: [imported.id], trustEntryIds: [entryId] }, status: 'active' });
    expect(record.importedCredentials.map((i: { id: string }) => i.id)).toContain(imported.id);
    const exported = (await get(t.app, `/learners/${w.learner.id}/record/export`, w.learner.token)).json();
    expect(exported.recognisedCredits.find((c: { id: string }) => c.id === credit.id).sources.importIds).toEqual([imported.id]);
  });

  it('the same import is not recognised twice at one target: a second request is rejected automatically', async () => {
    const again = await request({ importIds: [imported.id] }, target);
    expect(again.statusCode, again.body).toBe(201);
    const [it0] = again.json().items;
    expect(it0).toMatchObject({ sourceKind: 'import', status: 'decided', evaluation: { status: 'miss', reason: 'already_recognised' } });
    expect(it0.decisions).toEqual([expect.objectContaining({ kind: 'automatic', outcome: 'reject', credits: '0.00' })]);
    expect(it0.credits).toEqual([]);
    const credits = await t.ctx.db.selectFrom('recognised_credits').select('id').where('learner_id', '=', w.learner.id)
      .where('target_institution_id', '=', target.id).where('revoked_at', 'is', null).execute();
    expect(credits).toHaveLength(1);
  });

  it('removing the issuer from the trust list is not retroactive: the credit stays and the import still counts', async () => {
    const other = await externalIssuer();
    const listed = (await post(t.app, '/trusted-issuers', w.op, { issuerId: other.did, name: { en: 'Soon Removed' }, didDocument: other.didDocument })).json();
    const imp = await importCredential(await credential(course, {}, other));
    const rule2 = await publishRule(t.app, target.token, { type: 'block', definition: { pattern: { kinds: ['course'], institutionIds: [listed.id] }, credits: '2', category: 'general', conditions: { allowLowerLevel: true } } });
    const granted = (await request({ importIds: [imp.id] }, target)).json().items[0].credits[0];
    expect(granted).toMatchObject({ credits: '2.00', sourceImportIds: [imp.id] });
    expect((await post(t.app, `/trusted-issuers/${listed.id}/removal`, w.op, { reason: 'No longer accredited' })).statusCode).toBe(200);
    const record = (await get(t.app, `/learners/${w.learner.id}/record`, w.learner.token)).json();
    expect(record.groups.flatMap((g: { recognised: any[] }) => g.recognised).find((c: { id: string }) => c.id === granted.id)).toMatchObject({ status: 'active' });
    // Trust was judged at import: the import still counts, at a new target too.
    const elsewhere = await createInstitution(t.app, w.op);
    const rule3 = await publishRule(t.app, elsewhere.token, { type: 'block', definition: { pattern: { institutionIds: [listed.id] }, credits: '1', category: 'general', conditions: { allowLowerLevel: true } } });
    const preview = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: elsewhere.id, achievementIds: [], importIds: [imp.id] });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().outcomes[0]).toMatchObject({ achievementId: imp.id, status: 'match', ruleId: rule3.id });
    const same = (await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: target.id, achievementIds: [], importIds: [imp.id] })).json();
    expect(same.outcomes[0]).toMatchObject({ status: 'miss', reason: 'already_recognised' });
    expect(rule2.id).toBeDefined();
  });
});

describe('imports that do not count are refused, nothing written', () => {
  it('an import whose issuer is not on the trust list: 422 naming the field and the reason', async () => {
    // A did:key resolves from its identifier alone: the credential verifies, only trust is missing.
    const pair = await generateKey('did:key:pending');
    const did = `did:key:${pair.publicKeyMultibase}`;
    const stranger = { did, key: { ...pair, id: `${did}#${pair.publicKeyMultibase}`, controller: did }, didDocument: {} };
    const imp = await importCredential(await credential(course, {}, stranger));
    expect(imp).toMatchObject({ verified: true, trustedIssuer: false, countsForRecognition: false });
    const before = await requestCount();
    const a = await achieve(t.app, w.source, w.learner.id, (await item(t, w.source)).id, { result: '80', completedOn: '2024-01-15' });
    const res = await request({ achievementIds: [a], importIds: [imp.id] });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'import_not_counting', errors: [{ pointer: '/body/importIds/0' }] });
    expect(res.json().errors[0].message).toMatch(/was not on the bank's trust list/);
    expect(await requestCount()).toBe(before);
    const preview = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: w.target.id, importIds: [imp.id] });
    expect([preview.statusCode, preview.json().code]).toEqual([422, 'import_not_counting']);
  });

  it('a hosted Open Badges 2.0 assertion, an unknown id, and a request naming nothing', async () => {
    const email = 'li@example.org';
    const salt = randomUUID();
    const hosted = await importCredential({
      '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion', id: `https://badges.example.org/assertions/${randomUUID()}`,
      recipient: { type: 'email', hashed: true, salt, identity: `sha256$${createHash('sha256').update(email + salt).digest('hex')}` },
      badge: { id: 'https://badges.example.org/badges/py', type: 'BadgeClass', name: 'Python', description: 'd', image: 'https://badges.example.org/badges/py.png', criteria: { narrative: 'n' }, issuer: 'https://badges.example.org/issuer' },
      verification: { type: 'hosted' }, issuedOn: '2024-05-01T00:00:00Z',
    }, email);
    expect(hosted).toMatchObject({ verified: true, countsForRecognition: false });
    const before = await requestCount();
    const res = await request({ importIds: [randomUUID(), hosted.id] });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'unknown_import', errors: [{ pointer: '/body/importIds/0' }] });
    const second = await request({ importIds: [hosted.id] });
    expect(second.json()).toMatchObject({ code: 'import_not_counting', errors: [{ pointer: '/body/importIds/0' }] });
    expect(second.json().errors[0].message).toMatch(/hosted Open Badges 2.0/);
    const none = await request({});
    expect([none.statusCode, none.json().code]).toEqual([422, 'sources_required']);
    expect(await requestCount()).toBe(before);
  });

  it("another learner's import is unknown to this learner", async () => {
    const other = await createInstitution(t.app, w.op);
    const res = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: other.id, importIds: [randomUUID()] });
    expect([res.statusCode, res.json().code]).toEqual([422, 'unknown_import']);
  });
});

describe('imports issued by a bank institution, and re-evaluation', () => {
  it('an import issued by an institution of the bank comes from that institution', async () => {
    const target = await createInstitution(t.app, w.op);
    const rule = await publishRule(t.app, target.token, { type: 'block', definition: { pattern: { kinds: ['course'], institutionIds: [w.source.id] }, credits: '3', category: 'general', conditions: { allowLowerLevel: true } } });
    const { vc } = await issueVc(t.app, w.source);
    const imp = await importCredential(vc);
    expect(imp).toMatchObject({ countsForRecognition: true, trustEntry: null });
    const res = await request({ importIds: [imp.id] }, target);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().items[0]).toMatchObject({ status: 'decided', evaluation: { status: 'match', ruleId: rule.id } });
    const row = await t.ctx.db.selectFrom('recognised_credits').select(['source_institution_ids', 'source_import_ids', 'source_trust_entry_ids'])
      .where('learner_id', '=', w.learner.id).where('id', '=', res.json().items[0].credits[0].id).executeTakeFirstOrThrow();
    expect(row).toEqual({ source_institution_ids: [w.source.id], source_import_ids: [imp.id], source_trust_entry_ids: [] });
  });

  it('a queued import item is granted when a rule that matches it is published and re-evaluated', async () => {
    const target = await createInstitution(t.app, w.op);
    const imp = await importCredential(await credential({ ...course, achievementType: 'Certification' }));
    const req = (await request({ importIds: [imp.id] }, target)).json();
    expect(req.items[0]).toMatchObject({ sourceKind: 'import', status: 'queued', evaluation: { status: 'maybe' } });
    const rule = await publishRule(t.app, target.token, { type: 'block', definition: { pattern: { kinds: ['certificate'], institutionIds: [entryId] }, credits: '2', category: 'elective', conditions: { allowLowerLevel: true } } });
    const affected = await get(t.app, `/rules/${rule.id}/affected`, target.token);
    expect(affected.statusCode, affected.body).toBe(200);
    expect(JSON.stringify(affected.json())).toContain(req.items[0].id);
    const done = await post(t.app, `/rules/${rule.id}/re-evaluate`, target.token, {});
    expect(done.statusCode, done.body).toBe(200);
    const after = (await get(t.app, `/recognition/requests/${req.id}`, w.learner.token)).json().items[0];
    expect(after.status).toBe('decided');
    expect(after.decisions.at(-1)).toMatchObject({ kind: 're-evaluation', outcome: 'approve', credits: '2.00' });
    expect(after.decisions.at(-1).evidence).toContain(`credential-import:${imp.id} sha256:${imp.evidence.digest}`);
    expect(after.credits).toEqual([expect.objectContaining({ credits: '2.00', sourceImportIds: [imp.id], sourceAchievementIds: [] })]);
  });
});

describe('caps per source count an external issuer across requests', () => {
  it('credit from one trust-list entry fills its per-source cap; the engine and a reviewer both respect it later', async () => {
    const target = await createInstitution(t.app, w.op);
    await publishRule(t.app, target.token, { type: 'caps', definition: { perSourceInstitution: '5' } });
    await publishRule(t.app, target.token, { type: 'block', definition: { pattern: { kinds: ['course'], institutionIds: [entryId] }, credits: '4', category: 'elective', conditions: { allowLowerLevel: true } } });
    const first = await importCredential(await credential(course));
    const second = await importCredential(await credential(course));
    const third = await importCredential(await credential({ ...course, achievementType: 'Badge' }));
    expect((await request({ importIds: [first.id] }, target)).json().items[0].credits[0]).toMatchObject({ credits: '4.00', sourceTrustEntryIds: [entryId] });
    const next = (await request({ importIds: [second.id] }, target)).json().items[0];
    expect(next.evaluation).toMatchObject({ status: 'miss', reason: 'cap_reached' });
    // The cap and the credential are named as a person knows them: the issuer's trust-list name, the achievement's name.
    expect(next.evaluation.explanation).toMatch(/at most 5 credits from Open Academy \(4 used\)/);
    const queued = (await request({ importIds: [third.id] }, target)).json();
    expect(queued.items[0].status).toBe('queued');
    // The reviewer sees what the credential is, who issued it and how the bank verified it.
    expect(queued.items[0].subject).toMatchObject({ title: '数据库原理 Database Systems', kind: 'credential', provider: { id: entryId, name: 'Open Academy' }, verification: expect.any(String), revoked: false });
    const reviewQueue = (await get(t.app, `/institutions/${target.id}/recognition/queue`, target.token)).json();
    expect(reviewQueue.items.find((i: { id: string }) => i.id === queued.items[0].id).subject).toEqual(queued.items[0].subject);
    const over = await post(t.app, `/recognition/requests/${queued.id}/items/${queued.items[0].id}/decision`, target.token, { outcome: 'approve', credits: '2', category: 'elective', reason: 'r' });
    expect([over.statusCode, over.json().code]).toEqual([422, 'cap_exceeded']);
    const ok = await post(t.app, `/recognition/requests/${queued.id}/items/${queued.items[0].id}/decision`, target.token, { outcome: 'partial', credits: '1', category: 'elective', reason: 'what the cap leaves' });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('imports a rule cannot decide alone go to review', () => {
  it('credits not stated in a known system: a conversion rule gives Maybe, and a reviewer grants from the import', async () => {
    const target = await createInstitution(t.app, w.op);
    await publishRule(t.app, target.token, { type: 'conversion', definition: { pattern: { institutionIds: [entryId] }, step: '1', category: 'elective', conditions: { allowLowerLevel: true } } });
    const imp = await importCredential(await credential({ achievementType: 'Badge', creditsAvailable: 3, alignment: [{ type: ['Alignment'], targetFramework: 'semester-hours-elsewhere', targetName: 'x', targetUrl: 'https://x.example' }] }));
    const preview = (await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: target.id, achievementIds: [], importIds: [imp.id] })).json();
    expect(preview.outcomes[0]).toMatchObject({ achievementId: imp.id, status: 'maybe', reason: 'credits_not_stated' });
    const req = (await request({ importIds: [imp.id] }, target)).json();
    const twin = (await request({ importIds: [imp.id] }, target)).json(); // both wait for review
    const it0 = req.items[0];
    expect(it0).toMatchObject({ sourceKind: 'import', status: 'queued' });
    const queue = (await get(t.app, `/institutions/${target.id}/recognition/queue`, target.token)).json();
    expect(queue.items.find((i: { id: string }) => i.id === it0.id)).toMatchObject({ sourceKind: 'import', achievementId: imp.id });
    const decided = await post(t.app, `/recognition/requests/${req.id}/items/${it0.id}/decision`, target.token, { outcome: 'approve', credits: '3', category: 'elective', reason: 'syllabus checked' });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json().items[0].credits).toEqual([expect.objectContaining({ credits: '3.00', sourceImportIds: [imp.id], sourceAchievementIds: [] })]);
    expect(decided.json().items[0].decisions[0].evidence).toEqual([`credential-import:${imp.id} sha256:${imp.evidence.digest}`]);
    // The twin item cannot be granted from the same import at this target.
    const dup = await post(t.app, `/recognition/requests/${twin.id}/items/${twin.items[0].id}/decision`, target.token, { outcome: 'approve', credits: '3', category: 'elective', reason: 'again' });
    expect(dup.statusCode, dup.body).toBe(409);
    expect(dup.json().code).toBe('already_recognised');
    expect(dup.json().detail).toMatch(/Imported credential/);
    // A later request at the same target is rejected automatically.
    const again = (await request({ importIds: [imp.id] }, target)).json().items[0];
    expect(again).toMatchObject({ status: 'decided', evaluation: { reason: 'already_recognised' } });
  });
});
