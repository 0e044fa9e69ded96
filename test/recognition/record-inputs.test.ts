import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { depositBody } from '../records/fixtures.js';
import { learnerAchievements } from '../../src/recognition/evaluation/achievement-inputs.js';
import { achieve, item, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;

beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());

describe('the engine\'s view of a learner\'s record (one query)', () => {
  it('reads the corrected content of a corrected achievement and marks a revoked one, keeping its last content', async () => {
    const course = await item(t, w.source);
    const corrected = await achieve(t.app, w.source, w.learner.id, course.id, { result: '55', completedOn: '2024-01-15' });
    const revoked = await achieve(t.app, w.source, w.learner.id, course.id, { result: '70', completedOn: '2023-06-30' });
    const fix = await t.app.inject({ method: 'POST', url: `/achievements/${corrected}/corrections`, headers: bearer(w.source.token),
      payload: { ...depositBody(course.id, { result: '85', completedOn: '2024-01-15', externalId: undefined }), supersedes: 1, reason: 'marking error' } });
    expect(fix.statusCode).toBe(201);
    const rev = await t.app.inject({ method: 'POST', url: `/achievements/${revoked}/revocations`, headers: bearer(w.source.token), payload: { reason: 'fraud' } });
    expect(rev.statusCode).toBe(201);

    const all = await learnerAchievements(t.ctx.db, w.learner.id, 'cn-university');
    const byId = new Map(all.map((a) => [a.id, a]));
    expect(byId.get(corrected)).toMatchObject({ result: '85', revoked: false, completedOn: '2024-01-15', sourceInstitutionId: w.source.id });
    expect(byId.get(revoked)).toMatchObject({ result: '70', revoked: true });
    expect((await learnerAchievements(t.ctx.db, w.learner.id, 'cn-university', [revoked])).map((a) => a.id)).toEqual([revoked]);
  });
});
