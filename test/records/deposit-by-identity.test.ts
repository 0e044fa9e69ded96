import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/factories.js';
import { count, depositBody, recordsWorld, type RecordsWorld } from './fixtures.js';

let w: RecordsWorld;
beforeAll(async () => {
  w = await recordsWorld();
});
afterAll(async () => w.t.close());

const post = (body: Record<string, unknown>, token = w.uni.token) =>
  w.t.app.inject({ method: 'POST', url: '/achievements', headers: bearer(token), payload: body });

describe('POST /achievements: the learner named by account id or by an identity', () => {
  it('resolves an identity to the learner\'s account and deposits for it; a retry replays', async () => {
    const body = { ...depositBody(w.item), identity: { type: 'cn-resident', number: w.learner.residentId } };
    const res = await post(body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ learnerId: w.learner.id, institutionId: w.uni.id });
    const again = await post(body);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(res.json().id);
  });

  it('takes a learnerId as well', async () => {
    const res = await post({ ...depositBody(w.item), learnerId: w.learner.id });
    expect(res.statusCode).toBe(201);
    expect(res.json().learnerId).toBe(w.learner.id);
  });

  it.each([
    ['neither', {}, 'learner_required', '/body/learnerId'],
    ['both', { learnerId: '00000000-0000-4000-8000-000000000000', identity: { type: 'passport', country: 'GB', number: 'X1234567' } }, 'learner_required', '/body/learnerId'],
    ['an unknown learnerId', { learnerId: '00000000-0000-4000-8000-000000000000' }, 'learner_not_found', '/body/learnerId'],
    ['an identity of nobody', { identity: { type: 'passport', country: 'GB', number: 'X1234567' } }, 'learner_not_found', '/body/identity'],
  ])('refuses %s with a problem naming the field, writing nothing', async (_name, learner, code, pointer) => {
    const before = await count(w.t.ctx.db, 'achievements');
    const res = await post({ ...depositBody(w.item), ...learner });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code, errors: [{ pointer }] });
    expect(await count(w.t.ctx.db, 'achievements')).toBe(before);
  });

  it('another institution cannot deposit against this institution\'s item', async () => {
    const res = await post({ ...depositBody(w.item), learnerId: w.learner.id }, w.other.token);
    expect(res.statusCode).toBe(403);
  });
});
