import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevocationEvent } from '../../src/records/records.types.js';
import { bearer, createInstitution, createLearner, operatorToken, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { count, deposit, depositBody, insertItem } from './fixtures.js';

let t: TestApp;
let op: string;
let uni: TestInstitution;
let other: TestInstitution;
let learner: TestLearner;
let stranger: TestLearner;
let item: string;
const revoked: RevocationEvent[] = [];

beforeAll(async () => {
  t = await createTestApp();
  op = await operatorToken(t.app);
  uni = await createInstitution(t.app, op);
  other = await createInstitution(t.app, op);
  learner = await createLearner(t.app, uni.token);
  stranger = await createLearner(t.app, uni.token);
  item = await insertItem(t.ctx.db, uni.id, { credits: '4' });
  t.ctx.records.onRevoked(async (trx, e) => {
    // Runs inside the revocation's transaction: the revocation version is already visible here.
    const v = await trx.selectFrom('achievement_versions').select('action').where('achievement_id', '=', e.achievementId).where('version', '=', e.version).executeTakeFirst();
    if (v?.action === 'revocation') revoked.push(e);
  });
});
afterAll(async () => t.close());

const newAchievement = async () => (await deposit(t.app, uni.token, learner.id, depositBody(item, { result: '70' }))).json();
const post = (url: string, token: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: bearer(token), payload: payload as Record<string, unknown> });
const correction = { result: '78', completedOn: '2024-06-30', supersedes: 1, reason: 'Re-marked after appeal' };

describe('corrections', () => {
  it('append a version that supersedes the current one; the history shows both', async () => {
    const a = await newAchievement();
    const res = await post(`/achievements/${a.id}/corrections`, uni.token, { ...correction, catalogueItemId: item });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ currentVersion: 2, current: { result: '78', credits: '4' } });
    expect(body.history.map((v: { action: string; supersedes: number | null }) => [v.action, v.supersedes])).toEqual([['deposit', null], ['correction', 1]]);
    expect(body.history[0].content.result).toBe('70');
    for (const token of [learner.token, uni.token, op]) {
      const seen = await t.app.inject({ method: 'GET', url: `/achievements/${a.id}`, headers: bearer(token) });
      expect(seen.statusCode).toBe(200);
      expect(seen.json().history).toHaveLength(2);
    }
  });

  it('replay when retried and refuse a stale version', async () => {
    const a = await newAchievement();
    const body = { ...correction, catalogueItemId: item };
    await post(`/achievements/${a.id}/corrections`, uni.token, body);
    const before = await count(t.ctx.db, 'achievement_versions');
    const again = await post(`/achievements/${a.id}/corrections`, uni.token, body);
    expect(again.statusCode).toBe(200);
    expect(again.json().currentVersion).toBe(2);
    const stale = await post(`/achievements/${a.id}/corrections`, uni.token, { ...body, result: '80' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'stale_version', currentVersion: 2 });
    expect(await count(t.ctx.db, 'achievement_versions')).toBe(before);
  });

  it('go through the same rules as deposits', async () => {
    const a = await newAchievement();
    const res = await post(`/achievements/${a.id}/corrections`, uni.token, { ...correction, catalogueItemId: item, credits: '9' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('credits_exceed_item');
  });
});

describe('revocations', () => {
  it('need a reason', async () => {
    const a = await newAchievement();
    const res = await post(`/achievements/${a.id}/revocations`, uni.token, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('/body/reason');
  });

  it('record who and why, call the revocation hooks in the transaction, and replay when repeated', async () => {
    const a = await newAchievement();
    const res = await post(`/achievements/${a.id}/revocations`, uni.token, { reason: 'Academic misconduct finding 2024-07' });
    expect(res.statusCode).toBe(201);
    const last = res.json().history.at(-1);
    expect(res.json().status).toBe('revoked');
    expect(last).toMatchObject({ action: 'revocation', reason: 'Academic misconduct finding 2024-07', actor: `institution:${uni.id}/client:${uni.clientId}` });
    expect(revoked.map((e) => e.achievementId)).toContain(a.id);
    const again = await post(`/achievements/${a.id}/revocations`, uni.token, { reason: 'again' });
    expect(again.statusCode).toBe(200);
    expect(again.json().history).toHaveLength(2);
    const fix = await post(`/achievements/${a.id}/corrections`, uni.token, { ...correction, catalogueItemId: item, supersedes: 2 });
    expect(fix.statusCode).toBe(409);
    expect(fix.json().code).toBe('achievement_revoked');
    const events = await t.ctx.db.selectFrom('ledger_entries').select('event_type').where('resource_id', 'like', `${a.id}:%`).orderBy('id').execute();
    expect(events.map((e) => e.event_type)).toEqual(['achievement.deposited', 'achievement.revoked']);
  });
});

describe('only the depositing institution (or an operator) changes an achievement', () => {
  it.each([
    ['corrections', { ...correction, catalogueItemId: 'ITEM' }],
    ['revocations', { reason: 'not mine' }],
  ])('another institution cannot post %s', async (route, payload) => {
    const a = await newAchievement();
    const body = JSON.parse(JSON.stringify(payload).replace('ITEM', item));
    const before = await count(t.ctx.db, 'achievement_versions');
    const res = await post(`/achievements/${a.id}/${route}`, other.token, body);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('other_institution');
    expect((await post(`/achievements/${a.id}/${route}`, learner.token, body)).statusCode).toBe(403);
    expect(await count(t.ctx.db, 'achievement_versions')).toBe(before);
  });

  it('an operator can revoke', async () => {
    const a = await newAchievement();
    expect((await post(`/achievements/${a.id}/revocations`, op, { reason: 'Depositor closed; fraud confirmed' })).statusCode).toBe(201);
  });

  it('another learner and another institution cannot read the achievement', async () => {
    const a = await newAchievement();
    expect((await t.app.inject({ method: 'GET', url: `/achievements/${a.id}`, headers: bearer(stranger.token) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/achievements/${a.id}`, headers: bearer(other.token) })).statusCode).toBe(404);
  });
});
