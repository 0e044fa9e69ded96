import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/principal.js';
import { DEMO_MAPPING, demoProgramme } from '../../src/qualifications/demo-seed.js';
import { bearer, createInstitution, createLearner, operatorToken, publishItem, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let uni: TestInstitution;
let other: TestInstitution;
const OP: Actor = { principal: { kind: 'operator', clientId: 'test', scopes: ['*'] }, requestId: 'test' };
const programme = (version: string, extra: Record<string, unknown> = {}) => ({ ...demoProgramme(uni.slug), id: 'digital', version, ...extra });

beforeAll(async () => {
  t = await createTestApp();
  const op = await operatorToken(t.app);
  uni = await createInstitution(t.app, op);
  other = await createInstitution(t.app, op);
}, 120_000);
afterAll(async () => t?.close());

const publish = (body: { programme: unknown; mapping?: unknown }, inst = uni) => t.ctx.qualifications.programmes.publish(inst.id, body, OP);
const problemOf = async (p: Promise<unknown>) => p.then(() => undefined, (e: { statusCode: number; code: string; errors?: { pointer: string }[] }) => ({ status: e.statusCode, code: e.code, pointer: e.errors?.[0]?.pointer }));

describe('publishing programme versions', () => {
  it('stores a version once: the same content again is not a new version', async () => {
    const first = await publish({ programme: programme('1'), mapping: DEMO_MAPPING });
    expect(first).toMatchObject({ created: true, version: { programmeId: 'digital', version: '1', seq: 1, origin: 'api' } });
    const again = await publish({ programme: programme('1'), mapping: DEMO_MAPPING });
    expect(again).toMatchObject({ created: false, version: { digest: first.version.digest } });
  });

  it('refuses other content under a published version number, leaving the stored one', async () => {
    expect(await problemOf(publish({ programme: programme('1', { totalCredits: '30' }), mapping: DEMO_MAPPING }))).toMatchObject({ status: 409, code: 'programme_version_exists' });
    expect((await t.ctx.qualifications.programmes.version('digital', '1')).programme.totalCredits).toBe('20');
  });

  it('rejects an invalid document or mapping with the failing field, writing nothing', async () => {
    expect(await problemOf(publish({ programme: programme('bad', { totalCredits: 'twenty' }) }))).toMatchObject({ status: 422, code: 'invalid_programme', pointer: '/body/programme/totalCredits' });
    // An award stores the total as numeric(10,2): more digits or places would overflow or be rounded there.
    for (const totalCredits of ['123456789', '120.125']) {
      expect(await problemOf(publish({ programme: programme('bad', { totalCredits }) })), totalCredits).toMatchObject({ status: 422, code: 'invalid_programme', pointer: '/body/programme/totalCredits' });
    }
    expect(await problemOf(publish({ programme: programme('bad'), mapping: { eligibility: [{ match: { colour: ['red'] }, to: ['digital'] }] } })))
      .toMatchObject({ status: 422, code: 'invalid_programme_mapping' });
    expect(await problemOf(t.ctx.qualifications.programmes.version('digital', 'bad'))).toMatchObject({ status: 404 });
  });

  it('only lets an institution publish programmes it awards, under its own slug', async () => {
    expect(await problemOf(publish({ programme: programme('2') }, other))).toMatchObject({ status: 422, code: 'awarding_institution_mismatch', pointer: '/body/programme/awardingInstitution' });
    const theirs = { ...programme('2'), awardingInstitution: other.slug };
    expect(await problemOf(publish({ programme: theirs }, other))).toMatchObject({ status: 409, code: 'programme_of_other_institution' });
  });
});

describe('enrolment versions', () => {
  let learner: TestLearner;
  beforeAll(async () => {
    learner = await createLearner(t.app, uni.token);
    await publish({ programme: programme('2'), mapping: DEMO_MAPPING });
    await publish({ programme: programme('3', { totalCredits: '25' }), mapping: DEMO_MAPPING });
  });
  const enrol = (version: string) => t.app.inject({ method: 'POST', url: `/learners/${learner.id}/enrolments`, headers: bearer(learner.token), payload: { programmeId: 'digital', version } });
  const audit = (query = '', token = learner.token) => t.app.inject({ method: 'GET', url: `/learners/${learner.id}/audits/digital${query}`, headers: bearer(token) });

  it('audits against the enrolled version, not the latest, unless a later one is chosen', async () => {
    expect((await enrol('2')).statusCode).toBe(201);
    expect((await audit()).json()).toMatchObject({ programmeVersion: '2' });
    expect((await audit('?version=3')).json()).toMatchObject({ programmeVersion: '3' });
    const earlier = await audit('?version=1');
    expect(earlier.statusCode).toBe(422);
    expect(earlier.json()).toMatchObject({ code: 'earlier_programme_version', errors: [{ pointer: '/query/version' }] });
  });

  it('moves an enrolment forward but never back', async () => {
    expect((await enrol('3')).statusCode).toBe(201);
    expect((await enrol('3')).statusCode).toBe(200);
    const back = await enrol('2');
    expect(back.statusCode).toBe(409);
    expect(back.json().code).toBe('earlier_programme_version');
    expect((await audit()).json()).toMatchObject({ programmeVersion: '3' });
  });

  it('lets the awarding institution audit only learners enrolled in its programme', async () => {
    const stranger = await createLearner(t.app, uni.token);
    const res = await t.app.inject({ method: 'GET', url: `/learners/${stranger.id}/audits/digital`, headers: bearer(uni.token) });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('learner_not_enrolled');
    const award = await t.app.inject({ method: 'POST', url: `/learners/${stranger.id}/awards`, headers: bearer(uni.token), payload: { programmeId: 'digital' } });
    expect(award.statusCode).toBe(403);
    expect((await audit('', uni.token)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/audits/digital`, headers: bearer(other.token) })).statusCode).toBe(403);
  });
});

describe('recognised credit', () => {
  it('counts instead of its source achievement, never both', async () => {
    const learner = await createLearner(t.app, uni.token);
    const course = await publishItem(t.app, other, { iscedCode: '0311', credits: '3' });
    const dep = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/achievements`, headers: bearer(other.token), payload: { externalId: 'x1', catalogueItemId: course.id, result: '85', completedOn: '2024-10-01' } });
    expect(dep.statusCode).toBe(201);
    const sourceId = dep.json().id as string;
    // The row the recognition domain writes when the university grants 4 ICT credits for that course.
    const id = randomUUID();
    await t.ctx.db.insertInto('recognised_credits').values({
      learner_id: learner.id, id, decision_id: randomUUID(), item_id: randomUUID(), target_institution_id: uni.id, programme_id: null,
      category: 'digital', credits: '4', target_item_id: null, source_achievement_ids: [sourceId], source_institution_ids: [other.id],
      rule_id: null, rule_version: null, recognised_on: '2024-07-01', granted_entry_id: 1, revoked_at: null, revoked_reason: null, revoked_entry_id: null,
    }).execute();
    const body = (await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/audits/digital`, headers: bearer(learner.token) })).json();
    expect(body.totalCounted).toBe('4');
    expect(body.assignments).toEqual([expect.objectContaining({ itemId: `recognised:${id}`, categoryId: 'digital', credits: '4', source: 'recognised-credit' })]);
    expect(body.excluded).toEqual([expect.objectContaining({ itemId: sourceId, reason: 'recognised' })]);
    // Residency: recognised credit is never earned at the awarding institution.
    expect(body.requirements.find((r: { id: string }) => r.id === 'residency')).toMatchObject({ counted: '0' });
  });
});
