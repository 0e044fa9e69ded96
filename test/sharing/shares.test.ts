import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, createLearner, operatorToken, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { deposit, depositBody, insertItem } from '../records/fixtures.js';

let t: TestApp;
let uni: TestInstitution;
let learner: TestLearner;
let stranger: TestLearner;
const ids: string[] = [];
// Real time plus a shift, so tokens stay valid while the test moves share expiry into the past.
let shift = 0;
const clock = { now: () => new Date(Date.now() + shift) };

beforeAll(async () => {
  t = await createTestApp({ clock });
  const op = await operatorToken(t.app);
  uni = await createInstitution(t.app, op);
  learner = await createLearner(t.app, uni.token);
  stranger = await createLearner(t.app, uni.token);
  const item = await insertItem(t.ctx.db, uni.id, { credits: '4' });
  for (let i = 0; i < 3; i++) ids.push((await deposit(t.app, uni.token, learner.id, depositBody(item))).json().id);
});
afterAll(async () => t.close());

const inDays = (d: number) => new Date(clock.now().getTime() + d * 86_400_000).toISOString();
const createShare = (payload: Record<string, unknown>, token = learner.token, learnerId = learner.id) =>
  t.app.inject({ method: 'POST', url: `/learners/${learnerId}/shares`, headers: bearer(token), payload });
const open = (token: string) => t.app.inject({ method: 'GET', url: `/shared/${token}`, headers: { 'user-agent': 'HR-portal/2.0' } });
const shown = (body: { transcript: { groups: { achievements: { id: string }[] }[] } }) => body.transcript.groups.flatMap((g) => g.achievements.map((a) => a.id));

describe('share links', () => {
  it('show only the granted achievements to anyone holding the link, and log each access for the learner', async () => {
    const res = await createShare({ achievementIds: [ids[0]], expiresAt: inDays(7), recipient: { name: 'Acme HR' }, purpose: 'job application' });
    expect(res.statusCode).toBe(201);
    const { token, url, share } = res.json();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url).toBe(`https://bank.test/shared/${token}`);
    const stored = await t.ctx.db.selectFrom('record_shares').selectAll().where('id', '=', share.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);
    const seen = await open(token);
    expect(seen.statusCode).toBe(200);
    expect(seen.headers['cache-control']).toBe('no-store');
    expect(shown(seen.json())).toEqual([ids[0]]);
    expect(seen.json().learner.name).toBe('张三');
    expect(JSON.stringify(seen.json())).not.toContain(learner.residentId);
    const log = await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/shares/${share.id}/accesses`, headers: bearer(learner.token) });
    expect(log.json().items).toEqual([expect.objectContaining({ outcome: 'shown', userAgent: 'HR-portal/2.0', recipient: 'Acme HR', ipHash: expect.stringMatching(/^[0-9a-f]{32}$/) })]);
  });

  it('return nothing once revoked (410), and the revocation is logged as an access outcome', async () => {
    const { token, share } = (await createShare({ expiresAt: inDays(7) })).json();
    expect(shown((await open(token)).json()).sort()).toEqual([...ids].sort());
    const del = await t.app.inject({ method: 'DELETE', url: `/learners/${learner.id}/shares/${share.id}`, headers: bearer(learner.token) });
    expect(del.json().status).toBe('revoked');
    const after = await open(token);
    expect(after.statusCode).toBe(410);
    expect(after.json().code).toBe('share_revoked');
    expect(after.json().transcript).toBeUndefined();
    const log = (await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/shares/${share.id}/accesses`, headers: bearer(learner.token) })).json();
    expect(log.items.map((a: { outcome: string }) => a.outcome)).toEqual(['revoked', 'shown']);
  });

  it('return nothing once expired (410)', async () => {
    const { token } = (await createShare({ expiresAt: inDays(1) })).json();
    expect((await open(token)).statusCode).toBe(200);
    shift += 2 * 86_400_000;
    try {
      const res = await open(token);
      expect(res.statusCode).toBe(410);
      expect(res.json().code).toBe('share_expired');
    } finally {
      shift -= 2 * 86_400_000;
    }
  });

  it('return 404 for a token that was never issued', async () => {
    expect((await open('A'.repeat(43))).statusCode).toBe(404);
    expect((await open('short')).statusCode).toBe(404);
  });

  it('can be made only by the learner, only over their own achievements, with a future expiry', async () => {
    expect((await createShare({ expiresAt: inDays(7) }, stranger.token)).statusCode).toBe(403);
    const foreign = await createShare({ achievementIds: [ids[0]], expiresAt: inDays(7) }, stranger.token, stranger.id);
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json()).toMatchObject({ code: 'achievement_not_found', errors: [{ pointer: '/body/achievementIds/0' }] });
    const past = await createShare({ expiresAt: inDays(-1) });
    expect(past.json().code).toBe('expiry_in_past');
  });

  it('refuses a recipient institution that does not exist with a 422 naming the field, not a 500 (found by test/http/api-fuzz)', async () => {
    const res = await createShare({ expiresAt: inDays(7), recipient: { institutionId: '7d31ebec-1b5a-4031-9252-7e113b04b228' } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'unknown_institution', errors: [{ pointer: '/body/recipient/institutionId' }] });
    expect((await createShare({ expiresAt: inDays(7), recipient: { institutionId: uni.id } })).statusCode).toBe(201);
  });
});
