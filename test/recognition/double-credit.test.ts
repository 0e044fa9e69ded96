import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearner } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { achieve, get, item, post, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;

beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());

/** A fresh learner with one achievement no rule covers. */
async function learnerWithCourse() {
  const learner = await createLearner(t.app, w.target.token);
  const course = await item(t, w.source);
  const a = await achieve(t.app, w.source, learner.id, course.id, { result: '90', completedOn: '2024-01-15' });
  return { learner, a };
}

async function request(token: string, achievementIds: string[]) {
  const res = await post(t.app, '/recognition/requests', token, { targetInstitutionId: w.target.id, achievementIds });
  expect(res.statusCode).toBe(201);
  return res.json();
}

const decide = (r: any, i: number, body: Record<string, unknown>) =>
  post(t.app, `/recognition/requests/${r.id}/items/${r.items[i].id}/decision`, w.target.token, body);

const creditRows = (learnerId: string) =>
  t.ctx.db.selectFrom('recognised_credits').select(['id', 'credits']).where('learner_id', '=', learnerId).execute();

describe('a reviewer cannot grant credit twice at one target', () => {
  it('refuses a second grant from an achievement already credited through another open request', async () => {
    const { learner, a } = await learnerWithCourse();
    const first = await request(learner.token, [a]);
    const second = await request(learner.token, [a]);
    expect(second.items[0]).toMatchObject({ status: 'queued' });
    expect((await decide(first, 0, { outcome: 'approve', credits: '3', category: 'elective', reason: 'equivalent' })).statusCode).toBe(200);
    const twice = await decide(second, 0, { outcome: 'approve', credits: '3', category: 'elective', reason: 'equivalent' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'already_recognised' });
    expect(await creditRows(learner.id)).toHaveLength(1);
    // Rejecting grants nothing, so it stays possible.
    expect((await decide(second, 0, { outcome: 'reject', reason: 'already recognised' })).statusCode).toBe(200);
  });

  it('auto-rejects an achievement already recognised at the target, with the reason, and an upheld appeal cannot grant it', async () => {
    const { learner, a } = await learnerWithCourse();
    const first = await request(learner.token, [a]);
    await decide(first, 0, { outcome: 'approve', credits: '2', category: 'elective', reason: 'equivalent', reviewer: 'alice' });
    const again = await request(learner.token, [a]);
    expect(again.items[0]).toMatchObject({ status: 'decided', evaluation: { status: 'miss', reason: 'already_recognised' } });
    expect(again.items[0].decisions).toEqual([expect.objectContaining({ kind: 'automatic', outcome: 'reject', reviewer: 'engine', credits: '0.00' })]);
    expect(again.items[0].decisions[0].reason).toContain('cannot be granted again');
    const queue = (await get(t.app, `/institutions/${w.target.id}/recognition/queue`, w.target.token)).json().items.map((i: any) => i.id);
    expect(queue).not.toContain(again.items[0].id);
    expect((await decide(again, 0, { outcome: 'approve', credits: '2', reason: 'x' })).statusCode).toBe(409);

    const base = `/recognition/requests/${again.id}/items/${again.items[0].id}`;
    expect((await post(t.app, `${base}/appeal`, learner.token, { reason: 'please', evidence: [{ url: 'https://e.example/s.pdf' }] })).statusCode).toBe(200);
    const upheld = await post(t.app, `${base}/appeal/decision`, w.target.token, { outcome: 'approve', credits: '2', category: 'elective', reason: 'ok', reviewer: 'bob' });
    expect(upheld.statusCode).toBe(409);
    expect(upheld.json().code).toBe('already_recognised');
    expect(await creditRows(learner.id)).toHaveLength(1);
  });

  it('refuses granting a target item that another achievement already earned', async () => {
    const learner = await createLearner(t.app, w.target.token);
    const ids = [];
    for (let i = 0; i < 2; i++) ids.push(await achieve(t.app, w.source, learner.id, (await item(t, w.source)).id, { result: '90', completedOn: '2024-01-15' }));
    const r = await request(learner.token, ids);
    const [ds101, ds102] = [await item(t, w.target), await item(t, w.target)];
    const grant = { outcome: 'approve', credits: '3', category: 'major', targetItemId: `${w.target.id}:${ds101.code}`, reason: 'covers DS101' };
    expect((await decide(r, 0, grant)).statusCode).toBe(200);
    const twice = await decide(r, 1, grant);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('target_item_already_granted');
    const sameByCode = await decide(r, 1, { ...grant, targetItemId: ds101.code });
    expect(sameByCode.json().code, 'a code and institution:code name one item').toBe('target_item_already_granted');
    const other = await decide(r, 1, { ...grant, targetItemId: ds102.code, reason: 'covers DS102' });
    expect(other.statusCode).toBe(200);
    expect(await creditRows(learner.id)).toHaveLength(2);
  });
});
