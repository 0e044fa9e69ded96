import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MAPPING, demoProgramme } from '../../src/qualifications/demo-seed.js';
import { bearer, createInstitution, createLearner, operatorToken, publishItem, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { deposit, depositBody } from '../records/fixtures.js';

const PROGRAMME = 'waivable-certificate';
let t: TestApp;
let op: string;
let uni: TestInstitution;
let other: TestInstitution;
let provider: TestInstitution;
let items: string[];

/**
 * The demo certificate (20 credits, ≥ 8 ICT, ≥ 6 earned at the awarding university) and learners
 * holding 20 ICT credits from another provider: complete except for residency.
 */
beforeAll(async () => {
  t = await createTestApp();
  op = await operatorToken(t.app);
  uni = await createInstitution(t.app, op);
  other = await createInstitution(t.app, op);
  provider = await createInstitution(t.app, op, { kind: 'training-provider' });
  for (const version of ['1', '2']) {
    const res = await t.app.inject({ method: 'POST', url: `/institutions/${uni.id}/programmes`, headers: bearer(uni.token), payload: { programme: { ...demoProgramme(uni.slug), id: PROGRAMME, version }, mapping: DEMO_MAPPING } });
    if (res.statusCode !== 201) throw new Error(`programme: ${res.statusCode} ${res.body}`);
  }
  items = [String((await publishItem(t.app, provider, { credits: '10', notionalHours: '320' })).id), String((await publishItem(t.app, provider, { credits: '10', notionalHours: '320' })).id)];
}, 120_000);
afterAll(async () => t?.close());

async function residencyShortLearner(enrolled = true): Promise<TestLearner> {
  const learner = await createLearner(t.app, uni.token);
  for (const item of items) {
    const res = await deposit(t.app, provider.token, learner.id, depositBody(item, { completedOn: '2025-01-15' }));
    if (res.statusCode !== 201) throw new Error(`deposit: ${res.statusCode} ${res.body}`);
  }
  if (enrolled) {
    const res = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/enrolments`, headers: bearer(learner.token), payload: { programmeId: PROGRAMME, version: '1' } });
    if (res.statusCode !== 201) throw new Error(`enrol: ${res.statusCode} ${res.body}`);
  }
  return learner;
}

const grant = (l: TestLearner, body: Record<string, unknown>, token = uni.token, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/learners/${l.id}/waivers`, headers: { ...bearer(token), ...headers }, payload: { programmeId: PROGRAMME, ...body } });
const revoke = (l: TestLearner, id: string, reason: string, token = uni.token) =>
  t.app.inject({ method: 'POST', url: `/learners/${l.id}/waivers/${id}/revocations`, headers: bearer(token), payload: { reason } });
const list = (l: TestLearner, token = l.token) => t.app.inject({ method: 'GET', url: `/learners/${l.id}/waivers?programmeId=${PROGRAMME}`, headers: bearer(token) });
const audit = async (l: TestLearner, query = '') => {
  const res = await t.app.inject({ method: 'GET', url: `/learners/${l.id}/audits/${PROGRAMME}${query}`, headers: bearer(l.token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { complete: boolean; programmeVersion: string; requirements: Record<string, any>[] };
};
const residency = (view: { requirements: Record<string, any>[] }) => view.requirements.find((r) => r.id === 'residency')!;
const RESIDENCY = { requirementId: 'residency', reason: 'Transferred from a partner university under the 2024 articulation agreement' };

async function counts(learnerId?: string) {
  const n = async (table: 'requirement_waivers' | 'ledger_entries' | 'audit_trail') => {
    let q = t.ctx.db.selectFrom(table).select((e) => e.fn.countAll<string>().as('n'));
    if (learnerId) q = q.where('learner_id', '=', learnerId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  return { waivers: await n('requirement_waivers'), ledger: await n('ledger_entries'), trail: await n('audit_trail') };
}

describe('granting a waiver', () => {
  it('makes the audit complete: the requirement is waived with the reason and the waiver id', async () => {
    const learner = await residencyShortLearner();
    const before = await audit(learner);
    expect(before.complete).toBe(false);
    expect(residency(before)).toMatchObject({ status: 'not', missing: '6' });
    expect(residency(before)).not.toHaveProperty('waiverReason');

    const res = await grant(learner, RESIDENCY);
    expect(res.statusCode, res.body).toBe(201);
    const w = res.json();
    expect(w).toMatchObject({
      learnerId: learner.id, programmeId: PROGRAMME, programmeVersion: '1', requirementId: 'residency', institutionId: uni.id,
      reason: RESIDENCY.reason, grantedBy: `institution:${uni.id}/client:${uni.clientId}`, status: 'live', revocation: null,
    });
    const after = await audit(learner);
    expect(after.complete).toBe(true);
    expect(residency(after)).toMatchObject({ status: 'waived', missing: '0', waiverReason: RESIDENCY.reason, waiverId: w.id });

    const entry = await t.ctx.db.selectFrom('ledger_entries').select(['event_type', 'resource_type', 'resource_id', 'learner_id']).where('id', '=', w.ledgerEntryId).executeTakeFirstOrThrow();
    expect(entry).toEqual({ event_type: 'qualification.waiver_granted', resource_type: 'requirement_waiver', resource_id: w.id, learner_id: learner.id });
    const trail = await t.ctx.db.selectFrom('audit_trail').select(['action', 'principal_id', 'request_id', 'institution_id']).where('resource_id', '=', w.id).execute();
    expect(trail).toEqual([{ action: 'qualification.waiver.grant', principal_id: w.grantedBy, request_id: res.headers['x-request-id'], institution_id: uni.id }]);
  });

  it('returns the live waiver when the same requirement is waived again, writing nothing', async () => {
    const learner = await residencyShortLearner();
    const first = await grant(learner, RESIDENCY);
    expect(first.statusCode).toBe(201);
    const before = await counts();
    const again = await grant(learner, { ...RESIDENCY, reason: 'A second, different reason' }, op);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, reason: RESIDENCY.reason });
    expect(await counts()).toEqual(before);
  });

  it('replays a retry with the same Idempotency-Key', async () => {
    const learner = await residencyShortLearner();
    const headers = { 'idempotency-key': `waiver-${learner.id}` };
    const a = await grant(learner, RESIDENCY, uni.token, headers);
    const b = await grant(learner, RESIDENCY, uni.token, headers);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json().id).toBe(a.json().id);
    expect((await counts(learner.id)).waivers).toBe(1);
  });

  it('keeps one waiver when the same grant races (one 201, the rest 200 with the same id)', async () => {
    const learner = await residencyShortLearner();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => grant(learner, { requirementId: 'digital', reason: `racing grant ${i}` })));
    expect(results.map((r) => r.statusCode).sort(), results.map((r) => r.body).join('\n')).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    const rows = await t.ctx.db.selectFrom('requirement_waivers').select('id').where('learner_id', '=', learner.id).execute();
    expect(rows).toHaveLength(1);
    const entries = await t.ctx.db.selectFrom('ledger_entries').select('id').where('learner_id', '=', learner.id).where('event_type', '=', 'qualification.waiver_granted').execute();
    expect(entries).toHaveLength(1);
  });

  it('counts only in audits against the version it was granted under', async () => {
    const learner = await residencyShortLearner();
    expect((await grant(learner, RESIDENCY)).statusCode).toBe(201);
    expect(residency(await audit(learner))).toMatchObject({ status: 'waived' });
    const later = await audit(learner, '?version=2');
    expect(later).toMatchObject({ programmeVersion: '2', complete: false });
    expect(residency(later)).toMatchObject({ status: 'not' });
    const v2 = await grant(learner, { ...RESIDENCY, version: '2' });
    expect(v2.json()).toMatchObject({ programmeVersion: '2' });
    expect(residency(await audit(learner, '?version=2'))).toMatchObject({ status: 'waived', waiverId: v2.json().id });
  });
});

describe('awards and revocation', () => {
  it('awards on the audit with the waiver; a revoked waiver no longer counts, the award keeps its snapshot', async () => {
    const learner = await residencyShortLearner();
    const refused = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/awards`, headers: bearer(uni.token), payload: { programmeId: PROGRAMME } });
    expect(refused.statusCode).toBe(409);
    const w = (await grant(learner, RESIDENCY)).json();
    const award = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/awards`, headers: bearer(uni.token), payload: { programmeId: PROGRAMME } });
    expect(award.statusCode, award.body).toBe(201);
    expect(residency(award.json().auditSnapshot)).toMatchObject({ status: 'waived', waiverReason: RESIDENCY.reason, waiverId: w.id });

    const denied = await revoke(learner, w.id, 'not yours', other.token);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('not_awarding_institution');

    const res = await revoke(learner, w.id, 'Articulation agreement did not cover this course');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ id: w.id, status: 'revoked', revocation: { reason: 'Articulation agreement did not cover this course', revokedBy: w.grantedBy } });
    const after = await audit(learner);
    expect(after.complete).toBe(false);
    expect(residency(after)).toMatchObject({ status: 'not', missing: '6' });
    expect(residency(after)).not.toHaveProperty('waiverReason');

    const before = await counts();
    const again = await revoke(learner, w.id, 'again', op);
    expect(again.statusCode).toBe(200);
    expect(again.json().revocation.reason).toBe('Articulation agreement did not cover this course');
    expect(await counts()).toEqual(before);

    const events = await t.ctx.db.selectFrom('ledger_entries').select(['id', 'event_type']).where('resource_id', '=', w.id).orderBy('id').execute();
    expect(events.map((e) => e.event_type)).toEqual(['qualification.waiver_granted', 'qualification.waiver_revoked']);
    expect(Number(events[1]!.id)).toBe(res.json().revocation.ledgerEntryId);
    const standing = (await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/awards`, headers: bearer(learner.token) })).json().items;
    expect(standing).toEqual([expect.objectContaining({ status: 'awarded', snapshotDigest: award.json().snapshotDigest })]);

    // A fresh grant after the revocation is a new waiver; the list shows both.
    const regrant = await grant(learner, RESIDENCY, op);
    expect(regrant.statusCode).toBe(201);
    expect(regrant.json().id).not.toBe(w.id);
    const listed = (await list(learner)).json().items;
    expect(listed.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([[w.id, 'revoked'], [regrant.json().id, 'live']]);
  });

  it('the ledger database check rebuilds grant and revocation bodies from the rows', async () => {
    const report = await t.ctx.ledgerService.checkDatabase();
    expect(report.problems.filter((p) => p.resourceType.includes('waiver'))).toEqual([]);
    expect(report.uncheckedByType).not.toHaveProperty('requirement_waiver');
    const logged = await t.ctx.db.selectFrom('ledger_entries').select('id').where('resource_type', '=', 'requirement_waiver').execute();
    expect(logged.length).toBeGreaterThanOrEqual(8);
  });

  it('the database refuses to delete or rewrite a waiver, or to revoke it twice', async () => {
    const learner = await residencyShortLearner();
    const w = (await grant(learner, RESIDENCY)).json();
    const byId = (q: any) => q.where('learner_id', '=', learner.id).where('id', '=', w.id);
    await expect(byId(t.ctx.db.deleteFrom('requirement_waivers')).execute()).rejects.toThrow(/append-only/);
    await expect(byId(t.ctx.db.updateTable('requirement_waivers').set({ reason: 'rewritten' })).execute()).rejects.toThrow(/append-only/);
    expect((await revoke(learner, w.id, 'Granted in error')).statusCode).toBe(201);
    await expect(byId(t.ctx.db.updateTable('requirement_waivers').set({ revocation_reason: 'rewritten' })).execute()).rejects.toThrow(/append-only/);
    await expect(byId(t.ctx.db.updateTable('requirement_waivers').set({ revoked_at: null, revoked_by: null, revocation_reason: null, revoked_entry_id: null })).execute()).rejects.toThrow(/append-only/);
    expect(await byId(t.ctx.db.selectFrom('requirement_waivers').select(['reason', 'revocation_reason'])).executeTakeFirstOrThrow())
      .toEqual({ reason: RESIDENCY.reason, revocation_reason: 'Granted in error' });
  });
});

describe('who may grant, list and revoke', () => {
  it('denies another institution, learners and an institution without the enrolment, writing nothing', async () => {
    const learner = await residencyShortLearner();
    const stranger = await residencyShortLearner(false);
    const before = await counts();
    const cases: [TestLearner, string, number, string][] = [
      [learner, other.token, 403, 'not_awarding_institution'],
      [learner, learner.token, 403, 'principal_not_allowed'],
      [stranger, uni.token, 403, 'learner_not_enrolled'],
    ];
    for (const [l, token, status, code] of cases) {
      const res = await grant(l, RESIDENCY, token);
      expect([res.statusCode, res.json().code]).toEqual([status, code]);
    }
    expect(await counts()).toEqual(before);
    // An operator may grant without an enrolment (the latest version).
    expect((await grant(stranger, RESIDENCY, op)).json()).toMatchObject({ programmeVersion: '2', institutionId: uni.id });
  });

  it('lets the learner, the awarding institution and operators list; not another learner or institution', async () => {
    const learner = await residencyShortLearner();
    const someone = await createLearner(t.app, uni.token);
    const w = (await grant(learner, RESIDENCY)).json();
    for (const token of [learner.token, uni.token, op]) {
      const res = await list(learner, token);
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((x: { id: string }) => x.id)).toEqual([w.id]);
    }
    expect((await list(learner, someone.token)).json().code).toBe('other_learner');
    expect((await list(learner, other.token)).json().code).toBe('not_awarding_institution');
    const unknown = await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/waivers?programmeId=no-such-programme`, headers: bearer(learner.token) });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'programme_not_found']);
  });
});

describe('bad input', () => {
  it('names the failing field with a stable code and writes nothing', async () => {
    const learner = await residencyShortLearner();
    const before = await counts();
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ requirementId: 'no-such-requirement', reason: 'x' }, 422, 'unknown_requirement', '/body/requirementId'],
      [{ requirementId: 'total', reason: 'x' }, 422, 'unknown_requirement', '/body/requirementId'],
      [{ requirementId: 'residency', reason: '' }, 400, 'validation_failed', '/body/reason'],
      [{ requirementId: 'residency', reason: '   ' }, 400, 'validation_failed', '/body/reason'],
      [{ requirementId: 'residency' }, 400, 'validation_failed', '/body/reason'],
      [{ programmeId: 'no-such-programme', requirementId: 'residency', reason: 'x' }, 422, 'programme_not_found', '/body/programmeId'],
      [{ version: '9', requirementId: 'residency', reason: 'x' }, 422, 'programme_version_not_found', '/body/version'],
      [{ requirementId: 'residency', reason: 'x', expires: '2030-01-01' }, 400, 'unknown_field', '/body/expires'],
    ];
    for (const [body, status, code, pointer] of cases) {
      const res = await grant(learner, body);
      expect([res.statusCode, res.json().code, res.json().errors?.[0]?.pointer], JSON.stringify(body)).toEqual([status, code, pointer]);
    }
    const blank = await revoke(learner, '00000000-0000-4000-8000-000000000000', ' ');
    expect([blank.statusCode, blank.json().errors[0].pointer]).toEqual([400, '/body/reason']);
    const unknown = await revoke(learner, '00000000-0000-4000-8000-000000000000', 'gone');
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'waiver_not_found']);
    expect(await counts()).toEqual(before);
  });
});

// Last: it deletes ledger entries, which later database checks in this file would report.
describe('the ledger database check', () => {
  it('reports a waiver whose grant or revocation entry is gone as entry-missing', async () => {
    const learner = await residencyShortLearner();
    const w = (await grant(learner, RESIDENCY)).json();
    const revoked = (await revoke(learner, w.id, 'Granted in error')).json();
    const key = `${learner.id}:${w.id}`;
    const missing = async () => (await t.ctx.ledgerService.checkDatabase()).problems
      .filter((p) => p.kind === 'entry-missing' && p.resourceType === 'requirement_waivers').map((p) => [p.resourceId, p.entryId]);
    expect(await missing()).toEqual([]);
    await t.ctx.db.deleteFrom('ledger_entries').where('id', 'in', [w.ledgerEntryId, revoked.revocation.ledgerEntryId]).execute();
    expect(await missing()).toEqual([[key, w.ledgerEntryId], [key, revoked.revocation.ledgerEntryId]]);
  });
});
