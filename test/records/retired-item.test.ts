import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, publishItem } from '../helpers/factories.js';
import { count, deposit, depositBody, recordsWorld, type RecordsWorld } from './fixtures.js';

let w: RecordsWorld;
beforeAll(async () => {
  w = await recordsWorld();
});
afterAll(async () => w.t.close());

describe('retiring (退出) a catalogue item, through HTTP', () => {
  it('keeps existing achievements in the transcript and refuses new deposits with a problem', async () => {
    const item = await publishItem(w.t.app, w.uni, { credits: '3', notionalHours: '96' });
    const held = await deposit(w.t.app, w.uni.token, w.learner.id, depositBody(item.id, { completedOn: '2025-01-20' }));
    expect(held.statusCode).toBe(201);

    const retire = await w.t.app.inject({ method: 'POST', url: `/catalogue/${item.id}/retire`, headers: bearer(w.uni.token), payload: { reason: 'course discontinued' } });
    expect(retire.statusCode).toBe(200);
    expect(retire.json().retiredAt).not.toBeNull();

    const before = await count(w.t.ctx.db, 'achievements');
    const late = await deposit(w.t.app, w.uni.token, w.learner.id, depositBody(item.id, { completedOn: '2025-01-21' }));
    expect(late.statusCode).toBe(422);
    expect(late.json()).toMatchObject({ code: 'item_not_depositable', errors: [{ pointer: '/body/completedOn' }] });
    expect(await count(w.t.ctx.db, 'achievements')).toBe(before);

    const transcript = (await w.t.app.inject({ method: 'GET', url: `/learners/${w.learner.id}/record`, headers: bearer(w.learner.token) })).json();
    const listed = transcript.groups.flatMap((g: { achievements: { id: string }[] }) => g.achievements);
    expect(listed).toContainEqual(expect.objectContaining({ id: held.json().id, status: 'active', item: expect.objectContaining({ id: item.id }) }));
    expect(transcript.totals.bySystem).toContainEqual(expect.objectContaining({ creditSystemId: 'cn-university' }));
    const one = await w.t.app.inject({ method: 'GET', url: `/achievements/${held.json().id}`, headers: bearer(w.learner.token) });
    expect(one.statusCode).toBe(200);
  });
});
