import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstitution } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { get, plusDays, post, publishRule, today, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;

beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());

const exam = { id: 'e', kind: 'exam', credits: '4', creditSystemId: 'cn-university', completedOn: '2024-01-01' };

async function agreement(kind: 'bilateral' | 'regional', parties: string[]) {
  const res = await post(t.app, '/agreements', w.op, { kind, name: { en: `${kind} agreement` }, effectiveFrom: '2020-01-01', parties: parties.map((institutionId) => ({ institutionId })) });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function auditLines(resourceId: string) {
  return t.ctx.db.selectFrom('audit_trail').select(['action']).where('resource_id', '=', resourceId).execute();
}

describe('ending an agreement', () => {
  it('stops its rules from the end date, not before, and records the end with its reason', async () => {
    const ag = await agreement('bilateral', [w.target.id, w.source.id]);
    const rule = await publishRule(t.app, w.target.token, { type: 'block', agreementId: ag.id, definition: { pattern: { kinds: ['exam'] }, credits: '4', category: 'elective' } });
    const endsOn = plusDays(20);
    const res = await post(t.app, `/agreements/${ag.id}/end`, w.source.token, { endsOn, reason: 'Partnership not renewed' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ended', effectiveTo: plusDays(19), end: { on: endsOn, reason: 'Partnership not renewed' } });
    expect((await get(t.app, `/agreements/${ag.id}`)).json().end).toEqual({ on: endsOn, reason: 'Partnership not renewed' });
    const on = (date: string) => post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, date, achievements: [{ ...exam, sourceInstitutionId: w.source.id }] });
    expect((await on(plusDays(19))).json().outcomes[0]).toMatchObject({ status: 'match', ruleId: rule.id });
    expect((await on(endsOn)).json().outcomes[0]).toMatchObject({ status: 'miss', reason: 'not_effective', ruleId: rule.id });
    expect((await on('2023-06-01')).json().outcomes[0]).toMatchObject({ status: 'match', ruleId: rule.id });
    expect((await auditLines(ag.id)).map((l) => l.action)).toContain('agreement.end');
  });

  it('refuses a retroactive end, writing nothing', async () => {
    const ag = await agreement('bilateral', [w.target.id, w.source.id]);
    const res = await post(t.app, `/agreements/${ag.id}/end`, w.op, { endsOn: plusDays(-1), reason: 'backdated' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'retroactive_date', errors: [{ pointer: '/body/endsOn' }] });
    expect((await get(t.app, `/agreements/${ag.id}`)).json()).toMatchObject({ status: 'active', effectiveTo: null, end: null });
    expect((await auditLines(ag.id)).map((l) => l.action)).toEqual(['agreement.create']);
  });

  it('repeats the same end as a no-op and refuses a different one', async () => {
    const ag = await agreement('bilateral', [w.target.id, w.source.id]);
    const body = { endsOn: today(), reason: 'Closed by both parties' };
    expect((await post(t.app, `/agreements/${ag.id}/end`, w.target.token, body)).statusCode).toBe(200);
    expect((await post(t.app, `/agreements/${ag.id}/end`, w.target.token, body)).statusCode).toBe(200);
    expect((await auditLines(ag.id)).filter((l) => l.action === 'agreement.end')).toHaveLength(1);
    const other = await post(t.app, `/agreements/${ag.id}/end`, w.target.token, { ...body, endsOn: plusDays(5) });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('agreement_ended');
  });

  it('after its end, refuses new parties and new rules for it', async () => {
    const ag = await agreement('regional', [w.target.id, w.source.id]);
    expect((await post(t.app, `/agreements/${ag.id}/end`, w.op, { endsOn: today(), reason: 'Alliance dissolved' })).statusCode).toBe(200);
    const joiner = await createInstitution(t.app, w.op);
    const join = await post(t.app, `/agreements/${ag.id}/parties`, joiner.token, { institutionId: joiner.id, joinedOn: today() });
    expect(join.statusCode).toBe(409);
    expect(join.json().code).toBe('agreement_ended');
    const rule = await post(t.app, '/rules', w.target.token, { type: 'block', agreementId: ag.id, effectiveFrom: '2020-01-01', rationale: 'x', evidence: [], definition: { pattern: { kinds: ['exam'] }, credits: '1', category: 'x' } });
    expect(rule.statusCode).toBe(409);
    expect(rule.json().code).toBe('agreement_ended');
  });

  it('lets only the operator end a regional agreement, and only a current party end a bilateral one', async () => {
    const regional = await agreement('regional', [w.target.id, w.source.id]);
    const byParty = await post(t.app, `/agreements/${regional.id}/end`, w.target.token, { endsOn: today(), reason: 'x' });
    expect(byParty.statusCode).toBe(403);
    expect(byParty.json().code).toBe('operator_only');
    const outsider = await createInstitution(t.app, w.op);
    const bilateral = await agreement('bilateral', [w.target.id, w.source.id]);
    const byOutsider = await post(t.app, `/agreements/${bilateral.id}/end`, outsider.token, { endsOn: today(), reason: 'x' });
    expect(byOutsider.statusCode).toBe(403);
    expect(byOutsider.json().code).toBe('not_a_party');
    expect((await post(t.app, `/agreements/${bilateral.id}/end`, w.learner.token, { endsOn: today(), reason: 'x' })).statusCode).toBe(403);
    expect((await get(t.app, `/agreements/${bilateral.id}`)).json().end).toBeNull();
  });

  it('rejects an end after the agreement\'s own last day, and a body without a reason', async () => {
    const res = await post(t.app, '/agreements', w.op, { kind: 'bilateral', name: { en: 'short' }, effectiveFrom: '2020-01-01', effectiveTo: plusDays(3), parties: [{ institutionId: w.target.id }, { institutionId: w.source.id }] });
    const late = await post(t.app, `/agreements/${res.json().id}/end`, w.op, { endsOn: plusDays(10), reason: 'x' });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('agreement_ends_earlier');
    const bad = await post(t.app, `/agreements/${res.json().id}/end`, w.op, { endsOn: plusDays(1) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/body/reason');
  });
});
