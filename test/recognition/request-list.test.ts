import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearner } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { achieve, get, item, post, publishRule, ruleItem, worldApp, type World } from './service-fixtures.js';

// A learner finds their requests again without keeping ids: newest first, with where each stands.
let t: TestApp;
let w: World;
const made: string[] = [];
let matched: { request: string; achievement: string };

beforeAll(async () => {
  ({ t, w } = await worldApp());
  const course = await item(t, w.source);
  const tgt = await item(t, w.target);
  await publishRule(t.app, w.target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, course.code, '3')], targets: [ruleItem(w.target, tgt.code, '3')] } });
  const a = await achieve(t.app, w.source, w.learner.id, course.id, { result: '88' });
  const first = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [a] });
  matched = { request: first.json().id, achievement: a };
  made.push(first.json().id);
  for (let k = 0; k < 2; k++) {
    const other = await item(t, w.source);
    const b = await achieve(t.app, w.source, w.learner.id, other.id, { result: '88' });
    made.push((await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [b], note: `queued ${k}` })).json().id);
  }
});
afterAll(async () => t.close());

const url = () => `/learners/${w.learner.id}/recognition/requests`;

describe('GET /learners/{id}/recognition/requests', () => {
  it('lists every request once, newest first, in pages, with items by status, credit held and the target by name', async () => {
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(t.app, `${url()}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, w.learner.token);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
    } while (cursor !== null);
    expect(seen.map((r) => r.id)).toEqual([...made].reverse());
    const name = (await get(t.app, `/institutions/${w.target.id}`)).json().name;
    expect(seen.at(-1)).toMatchObject({ targetInstitution: { id: w.target.id, name: `${name.zh} ${name.en}` }, items: { total: 1, decided: 1, queued: 0, appealed: 0 }, credits: '3', note: null });
    expect(seen[0]).toMatchObject({ items: { total: 1, queued: 1, decided: 0 }, credits: '0', note: 'queued 1' });
  });

  it('leaves out credit that was revoked since', async () => {
    expect((await post(t.app, `/achievements/${matched.achievement}/revocations`, w.source.token, { reason: 'annulled' })).statusCode).toBe(201);
    const all = (await get(t.app, url(), w.learner.token)).json().items;
    expect(all.find((r: { id: string }) => r.id === matched.request).credits).toBe('0');
  });

  it('is the learner\'s own (and operators\'), refuses a bad cursor, and 404s an unknown learner', async () => {
    const other = await createLearner(t.app, w.target.token);
    expect((await get(t.app, url(), other.token)).statusCode).toBe(403);
    expect((await get(t.app, url(), w.op)).json().items).toHaveLength(3);
    const bad = await get(t.app, `${url()}?cursor=nonsense`, w.learner.token);
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'invalid_cursor']);
    expect((await get(t.app, '/learners/00000000-0000-4000-8000-000000000000/recognition/requests', w.op)).statusCode).toBe(404);
  });
});

describe('GET /institutions/{id}/recognition/requests', () => {
  it('lists the requests addressed to the institution, decided or not, newest first, with the learner; not another institution\'s', async () => {
    const mine = `/institutions/${w.target.id}/recognition/requests`;
    const res = await get(t.app, `${mine}?limit=500`, w.target.token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.map((r: { id: string }) => r.id)).toEqual([...made].reverse());
    expect(res.json().items.every((r: { learnerId: string; targetInstitution: { id: string } }) => r.learnerId === w.learner.id && r.targetInstitution.id === w.target.id)).toBe(true);
    const two = await get(t.app, `${mine}?limit=2`, w.target.token);
    const rest = await get(t.app, `${mine}?limit=2&cursor=${two.json().nextCursor}`, w.target.token);
    expect([...two.json().items, ...rest.json().items].map((r: { id: string }) => r.id)).toEqual([...made].reverse());
    expect(rest.json().nextCursor).toBeNull();
    // The source institution received none of them, and may not read the target's.
    expect((await get(t.app, `/institutions/${w.source.id}/recognition/requests`, w.source.token)).json().items).toEqual([]);
    expect((await get(t.app, mine, w.source.token)).statusCode).toBe(403);
    expect((await get(t.app, '/institutions/00000000-0000-4000-8000-000000000000/recognition/requests', w.op)).statusCode).toBe(404);
  });
});
