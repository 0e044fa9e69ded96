import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { achieve, get, item, post, publishRule, ruleItem, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;

beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());

// The operator's check recomputes every ledger entry's body from the rows as they are now: recognition
// registers body sources for its decisions and credits, so they are checked, not skipped.
describe('operator ledger database check over recognition entries', () => {
  it('checks decisions and credits with no problems, then names a decision row changed behind the service', async () => {
    const course = await item(t, w.source);
    const tgt = await item(t, w.target);
    await publishRule(t.app, w.target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, course.code, '3')], targets: [ruleItem(w.target, tgt.code, '3')] } });
    const other = await item(t, w.source);
    const ids = [await achieve(t.app, w.source, w.learner.id, course.id, { result: '90', completedOn: '2024-01-15' }),
      await achieve(t.app, w.source, w.learner.id, other.id, { result: '90', completedOn: '2024-01-15' })];
    const request = (await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: ids })).json();
    const queued = request.items.find((i: any) => i.status === 'queued');
    await post(t.app, `/recognition/requests/${request.id}/items/${queued.id}/decision`, w.target.token, { outcome: 'partial', credits: '1.5', category: 'elective', reason: 'part' });

    const clean = (await get(t.app, '/ledger/checks/database', w.op)).json();
    expect(clean).toMatchObject({ ok: true, problemCount: 0 });
    expect(clean.uncheckedByType).not.toHaveProperty('recognition_decision');
    expect(clean.uncheckedByType).not.toHaveProperty('recognised_credit');

    const decision = await t.ctx.db.selectFrom('recognition_decisions').select(['id', 'learner_id']).where('kind', '=', 'review').executeTakeFirstOrThrow();
    // The append-only trigger refuses the service; a superuser bypassing triggers is what the check is for.
    await t.ctx.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx.updateTable('recognition_decisions').set({ credits: '15.00' }).where('learner_id', '=', decision.learner_id).where('id', '=', decision.id).execute();
    });
    const tampered = (await get(t.app, '/ledger/checks/database', w.op)).json();
    expect(tampered.ok).toBe(false);
    expect(tampered.problems).toEqual([expect.objectContaining({ kind: 'body-digest-mismatch', resourceType: 'recognition_decision', resourceId: decision.id, eventType: 'recognition.decided' })]);
  });
});
