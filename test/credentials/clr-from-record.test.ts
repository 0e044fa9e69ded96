import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkClrCredential } from '../../src/credentials/core/open-badge-checks.js';
import { bearer, createLearner, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';
import { deposit, depositBody, insertItem, sha } from '../records/fixtures.js';

let t: TestApp;
let op: string;
let inst: TestInstitution;

beforeAll(async () => ({ t, op, inst } = await institutionApp()));
afterAll(async () => t.close());

async function depositItem(learner: TestLearner, item?: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await deposit(t.app, inst.token, learner.id, depositBody(item ?? await insertItem(t.ctx.db, inst.id, { credits: '3' }), over));
  if (res.statusCode !== 201) throw new Error(`deposit: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

const clr = (learner: TestLearner, payload: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/learners/${learner.id}/clr`, headers: { ...bearer(learner.token), ...headers }, payload });
const verify = async (vc: unknown) => (await t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: vc } })).json();
const credentialsOf = async (learner: TestLearner) =>
  (await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/credentials`, headers: bearer(learner.token) })).json().items as any[];
const embedded = (vc: any) => vc.credentialSubject.verifiableCredential as any[];
const idOf = (vc: { id: string }) => vc.id.replace('urn:uuid:', '');

describe('CLR 2.0 built from the learning record', () => {
  it('bundles the whole transcript without prior issuance: each achievement credential is issued, ledgered and verifies, and a retry returns the same CLR', async () => {
    const learner = await createLearner(t.app, inst.token);
    const a = await depositItem(learner, undefined, { result: '91', completedOn: '2024-06-30' });
    const b = await depositItem(learner, undefined, { result: '64', completedOn: '2024-12-20' });
    expect(await credentialsOf(learner)).toEqual([]);

    const res = await clr(learner);
    expect(res.statusCode, res.body).toBe(201);
    const vc = res.json().verifiableCredential;
    expect(vc).toMatchObject({ type: ['VerifiableCredential', 'ClrCredential'], issuer: { id: 'did:web:bank.test' }, partial: false });
    expect(checkClrCredential(vc)).toEqual([]);
    const inner = embedded(vc);
    expect(inner.map((c) => c.credentialSubject.result[0].value)).toEqual(['91', '64']);
    expect(inner.every((c) => c.issuer.id === inst.did && c.credentialSubject.achievement.resultDescription[0].resultType === 'Percent')).toBe(true);
    const r = await verify(vc);
    expect(r.errors).toEqual([]);
    expect(r.verified).toBe(true);
    for (const c of inner) expect((await verify(c)).verified).toBe(true);

    const held = await credentialsOf(learner);
    const courses = held.filter((c) => c.kind === 'course');
    expect(courses.map((c) => c.id).sort()).toEqual(inner.map(idOf).sort());
    expect(courses.every((c) => c.ledger !== null && c.status === 'active')).toBe(true);
    const sources = await t.ctx.db.selectFrom('credentials').select(['id', 'source_ids']).where('id', 'in', inner.map(idOf)).execute();
    expect(sources.flatMap((s) => s.source_ids).sort()).toEqual([a, b].sort());
    const audit = await t.ctx.db.selectFrom('audit_trail').select(['resource_id', 'principal_kind']).where('action', '=', 'credential.issue')
      .where('resource_id', 'in', inner.map(idOf)).execute();
    expect(audit.map((x) => x.principal_kind)).toEqual(['learner', 'learner']);

    const again = await clr(learner);
    expect(again.statusCode).toBe(200);
    expect(again.json().verifiableCredential).toEqual(vc);
    expect((await credentialsOf(learner)).length).toBe(held.length);
  });

  it('an Idempotency-Key retry replays the first answer', async () => {
    const learner = await createLearner(t.app, inst.token);
    await depositItem(learner);
    const key = { 'idempotency-key': `clr-${learner.id}` };
    const first = await clr(learner, {}, key);
    expect(first.statusCode, first.body).toBe(201);
    const replay = await clr(learner, {}, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
  });

  it('for chosen achievements reuses the credential already issued, issues the missing one, leaves the rest out and says it is partial', async () => {
    const learner = await createLearner(t.app, inst.token);
    const [a, b, c] = [await depositItem(learner), await depositItem(learner), await depositItem(learner)];
    const pre = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/credentials`, headers: bearer(inst.token), payload: { achievementId: a } });
    expect(pre.statusCode).toBe(201);
    const preId = String(pre.headers.location).split('/').pop();

    const res = await clr(learner, { achievementIds: [a, b] });
    expect(res.statusCode, res.body).toBe(201);
    const vc = res.json().verifiableCredential;
    expect(vc.partial).toBe(true);
    const inner = embedded(vc);
    expect(inner.map(idOf)[0]).toBe(preId);
    expect(inner[0]).toEqual(pre.json().verifiableCredential);
    expect(inner).toHaveLength(2);
    const row = await t.ctx.db.selectFrom('credentials').select(['source_ids', 'kind']).where('id', '=', idOf(inner[1])).executeTakeFirstOrThrow();
    expect(row).toEqual({ source_ids: [b], kind: 'course' });
    expect(await restingOn(c)).toEqual([]);
    expect((await verify(vc)).verified).toBe(true);

    // Another choice is another CLR; the whole transcript is a third, not partial.
    const whole = (await clr(learner)).json().verifiableCredential;
    expect(whole.partial).toBe(false);
    expect(embedded(whole).map(idOf).slice(0, 2)).toEqual(inner.map(idOf));
    expect(whole.id).not.toBe(vc.id);
  });

  it('a JWT-secured CLR bundles Data Integrity credentials and verifies', async () => {
    const learner = await createLearner(t.app, inst.token);
    await depositItem(learner);
    const res = await clr(learner, { format: 'vc+jwt' });
    expect(res.statusCode, res.body).toBe(201);
    const jwt = res.json().verifiableCredential as string;
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
    expect(embedded(payload)[0].proof.cryptosuite).toBe('eddsa-rdfc-2022');
    expect((await verify(jwt)).verified).toBe(true);
  });

  it('carries a completed micro-major with its components, each Achievement isPartOf the micro-major', async () => {
    const learner = await createLearner(t.app, inst.token);
    const [x, y] = [await insertItem(t.ctx.db, inst.id, { code: `MX-${learner.id.slice(0, 6)}` }), await insertItem(t.ctx.db, inst.id, { code: `MY-${learner.id.slice(0, 6)}` })];
    const mmId = await insertItem(t.ctx.db, inst.id, { code: `MM-${learner.id.slice(0, 6)}`, kind: 'micro-major', credits: '8', completionRule: { type: 'all' }, components: [x, y] });
    await depositItem(learner, x);
    await depositItem(learner, y);
    const mm = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/credentials`, headers: bearer(inst.token), payload: { microMajorId: mmId } });
    expect(mm.statusCode, mm.body).toBe(201);

    const vc = (await clr(learner)).json().verifiableCredential;
    const inner = embedded(vc);
    expect(inner.map((c) => c.credentialSubject.achievement.achievementType)).toEqual(['Course', 'Course', 'MicroCredential']);
    const target = inner[2].credentialSubject.achievement.id;
    expect(target).toMatch(new RegExp(`/catalogue/${mmId}$`));
    expect(vc.credentialSubject.association).toEqual([
      { type: 'Association', associationType: 'isPartOf', sourceId: inner[0].credentialSubject.achievement.id, targetId: target },
      { type: 'Association', associationType: 'isPartOf', sourceId: inner[1].credentialSubject.achievement.id, targetId: target },
    ]);
    expect(checkClrCredential(vc)).toEqual([]);
    expect((await verify(vc)).verified).toBe(true);

    expect(vc.credentialSubject.achievement).toBeUndefined();

    // A chosen part without one of its components leaves the micro-major's credential out; its Achievement is listed instead.
    const part = (await clr(learner, { achievementIds: [await achievementOf(learner, x)] })).json().verifiableCredential;
    expect(embedded(part).map((c) => c.credentialSubject.achievement.achievementType)).toEqual(['Course']);
    expect(part.credentialSubject.achievement.map((a: { id: string }) => a.id)).toEqual([target]);
    expect(part.credentialSubject.association).toEqual([{ type: 'Association', associationType: 'isPartOf', sourceId: embedded(part)[0].credentialSubject.achievement.id, targetId: target }]);
  });

  it('lists a micro-major in progress as an Achievement the bundled components are part of, and still verifies', async () => {
    const learner = await createLearner(t.app, inst.token);
    const tag = learner.id.slice(0, 6);
    const [x, y, z] = [await insertItem(t.ctx.db, inst.id, { code: `PX-${tag}` }), await insertItem(t.ctx.db, inst.id, { code: `PY-${tag}` }), await insertItem(t.ctx.db, inst.id, { code: `PZ-${tag}` })];
    const mmId = await insertItem(t.ctx.db, inst.id, { code: `PM-${tag}`, kind: 'micro-major', credits: '12', completionRule: { type: 'all' }, components: [x, y, z], titleEn: 'Data micro-major' });
    await depositItem(learner, x);
    await depositItem(learner, await insertItem(t.ctx.db, inst.id)); // unrelated course

    const res = await clr(learner, {}, {});
    expect(res.statusCode, res.body).toBe(201);
    const vc = res.json().verifiableCredential;
    const [listed] = vc.credentialSubject.achievement;
    expect(listed).toMatchObject({ type: ['Achievement'], achievementType: 'MicroCredential', name: 'Data micro-major', creator: { id: inst.did } });
    expect(listed.id).toMatch(new RegExp(`/catalogue/${mmId}$`));
    const inner = embedded(vc);
    expect(inner).toHaveLength(2);
    expect(vc.credentialSubject.association).toEqual([{ type: 'Association', associationType: 'isPartOf', sourceId: inner.find((c) => c.credentialSubject.achievement.id.endsWith(x)).credentialSubject.achievement.id, targetId: listed.id }]);
    expect(checkClrCredential(vc)).toEqual([]);
    const r = await verify(vc);
    expect(r.errors).toEqual([]);
    expect(r.verified).toBe(true);
    const jcs = (await clr(learner, { format: 'eddsa-jcs-2022' })).json().verifiableCredential;
    expect((await verify(jcs)).verified).toBe(true);
  });

  it('leaves out learning outside the catalogue and a credential its issuer revoked, and says the CLR is partial', async () => {
    const learner = await createLearner(t.app, inst.token);
    const kept = await depositItem(learner);
    const withdrawn = await depositItem(learner);
    const cert = await deposit(t.app, inst.token, learner.id, {
      externalId: `cert-${learner.id}`, completedOn: '2023-11-02', credits: '2', evidence: { url: 'https://certs.example/1', sha256: sha('c') },
      learning: { source: 'verified-certificate', title: { zh: '网络安全工程师' }, creditSystemId: 'cn-university', provenance: { issuer: 'centre', method: 'registry look-up' } },
    });
    expect(cert.statusCode).toBe(201);
    const issued = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/credentials`, headers: bearer(inst.token), payload: { achievementId: withdrawn } });
    const credentialId = String(issued.headers.location).split('/').pop();
    const rev = await t.app.inject({ method: 'POST', url: `/credentials/${credentialId}/status`, headers: bearer(inst.token), payload: { action: 'revoke', reason: 'issued in error' } });
    expect(rev.statusCode, rev.body).toBe(200);

    const vc = (await clr(learner)).json().verifiableCredential;
    expect(vc.partial).toBe(true);
    expect(embedded(vc).map((c) => c.credentialSubject.achievement.id)).toHaveLength(1);
    const row = await t.ctx.db.selectFrom('credentials').select('source_ids').where('id', '=', idOf(embedded(vc)[0])).executeTakeFirstOrThrow();
    expect(row.source_ids).toEqual([kept]);
    // Never re-issued behind the issuer's back: only the revoked one exists for that achievement.
    expect((await restingOn(withdrawn)).map((r) => r.status)).toEqual(['revoked']);

    const chosen = await clr(learner, { achievementIds: [kept, withdrawn] });
    expect(chosen.statusCode).toBe(409);
    expect(chosen.json()).toMatchObject({ code: 'achievement_credential_not_active', achievementIds: [withdrawn] });
    const outside = await clr(learner, { achievementIds: [cert.json().id] });
    expect(outside.statusCode).toBe(422);
    expect(outside.json()).toMatchObject({ code: 'not_a_catalogue_achievement', errors: [{ pointer: '/body/achievementIds/0' }] });
  });

  it('refuses with a clear problem when there is nothing live to bundle, or a chosen achievement is not the learner\'s or revoked', async () => {
    const empty = await createLearner(t.app, inst.token);
    const none = await clr(empty);
    expect(none.statusCode).toBe(422);
    expect(none.json()).toMatchObject({ code: 'no_live_achievements', errors: [{ pointer: '/params/id' }] });

    const learner = await createLearner(t.app, inst.token);
    const gone = await depositItem(learner);
    await t.app.inject({ method: 'POST', url: `/achievements/${gone}/revocations`, headers: bearer(inst.token), payload: { reason: 'deposited in error' } });
    expect((await clr(learner)).json().code).toBe('no_live_achievements');
    const revoked = await clr(learner, { achievementIds: [gone] });
    expect(revoked.statusCode).toBe(409);
    expect(revoked.json()).toMatchObject({ code: 'achievement_revoked', errors: [{ pointer: '/body/achievementIds/0' }] });

    const stranger = await createLearner(t.app, inst.token);
    const theirs = await depositItem(stranger);
    const foreign = await clr(learner, { achievementIds: [theirs] });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json()).toMatchObject({ code: 'achievement_not_found', errors: [{ pointer: '/body/achievementIds/0' }] });
    expect(await credentialsOf(learner)).toEqual([]);
    expect(await credentialsOf(stranger)).toEqual([]);
  });

  it('an operator may build a learner\'s CLR; another learner may not', async () => {
    const learner = await createLearner(t.app, inst.token);
    await depositItem(learner);
    const other = await createLearner(t.app, inst.token);
    expect((await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/clr`, headers: bearer(other.token), payload: {} })).statusCode).toBe(403);
    const res = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/clr`, headers: bearer(op), payload: {} });
    expect(res.statusCode, res.body).toBe(201);
  });
});

/** Credentials resting on a record achievement. */
const restingOn = (achievementId: string) => t.ctx.db.selectFrom('credentials').select(['id', 'status'])
  .where(sql<boolean>`source_ids @> array[${achievementId}]::text[]`).execute();

async function achievementOf(learner: TestLearner, itemId: string): Promise<string> {
  const row = await t.ctx.db.selectFrom('achievement_versions').select('achievement_id').where('learner_id', '=', learner.id)
    .where('catalogue_item_id', '=', itemId).executeTakeFirstOrThrow();
  return row.achievement_id;
}
