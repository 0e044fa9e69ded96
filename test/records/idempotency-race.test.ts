import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, deposit, depositBody, recordsWorld, type RecordsWorld } from './fixtures.js';

let w: RecordsWorld;
beforeAll(async () => {
  w = await recordsWorld();
});
afterAll(async () => w.t.close());

// On PGlite (one connection) the two requests rarely overlap; on PostgreSQL (TEST_DATABASE_URL) they do,
// and without the wait the second got 409 idempotency_in_progress.
describe('the same Idempotency-Key sent twice at once', () => {
  it('makes the second wait for the first and replay its response: both the same, one achievement', async () => {
    for (let round = 0; round < 3; round++) {
      const body = depositBody(w.item);
      const headers = { 'idempotency-key': `race-${body.externalId}` };
      const before = await count(w.t.ctx.db, 'achievements');
      const [a, b] = await Promise.all([
        deposit(w.t.app, w.uni.token, w.learner.id, body, headers),
        deposit(w.t.app, w.uni.token, w.learner.id, body, headers),
      ]);
      expect([a.statusCode, b.statusCode], `${a.body} ${b.body}`).toEqual([201, 201]);
      expect(a.json().id).toBe(b.json().id);
      expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
      expect(await count(w.t.ctx.db, 'achievements')).toBe(before + 1);
    }
  });
});
