import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createLearner, issueVc, publishItem, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;

beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());

const deleteEntry = (resourceId: string, eventType: string) => t.ctx.db.deleteFrom('ledger_entries')
  .where('resource_type', '=', 'credential').where('resource_id', '=', resourceId).where('event_type', '=', eventType).execute();

const missing = async () => (await t.ctx.ledgerService.checkDatabase()).problems
  .filter((p) => p.kind === 'entry-missing').map((p) => [p.resourceType, p.resourceId, p.eventType]);

describe('the database check notices deleted entries of rows that keep no entry id', () => {
  it('names a credential whose credential.issued entry, or the entry of its revocation, is gone', async () => {
    const kept = await issueVc(t.app, inst);
    const issuedGone = await issueVc(t.app, inst);
    const revokedGone = await issueVc(t.app, inst);
    const rev = await t.app.inject({ method: 'POST', url: `/credentials/${revokedGone.id}/status`, headers: bearer(inst.token), payload: { action: 'revoke', reason: 'test' } });
    expect(rev.statusCode).toBe(200);
    expect(await missing()).toEqual([]);

    await deleteEntry(issuedGone.id, 'credential.issued');
    await deleteEntry(revokedGone.id, 'credential.revoked');
    const found = await missing();
    expect(found).toHaveLength(2);
    expect(found).toEqual(expect.arrayContaining([
      ['credentials', issuedGone.id, 'credential.issued'], ['credentials', revokedGone.id, 'credential.revoked'],
    ]));
    expect(found.some(([, id]) => id === kept.id)).toBe(false);
  });

  it('registers recognised credits by their grant and revocation entry ids, ignoring credits never revoked', () => {
    const refs = t.ctx.ledgerBodies.references().filter((r) => r.table === 'recognised_credits').map((r) => r.column);
    expect(refs.sort()).toEqual(['granted_entry_id', 'revoked_entry_id']);
  });
});

describe("a learner's credentials name their ledger entry", () => {
  it('lists the credential.issued entry id and its inclusion proof route, which serves that entry', async () => {
    const learner = await createLearner(t.app, inst.token);
    const item = await publishItem(t.app, inst);
    const dep = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/achievements`, headers: bearer(inst.token),
      payload: { externalId: `ext-${item.id}`, catalogueItemId: item.id, result: '88', completedOn: '2025-06-30' } });
    expect(dep.statusCode).toBe(201);
    const issued = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/credentials`, headers: bearer(inst.token), payload: { achievementId: dep.json().id } });
    expect(issued.statusCode).toBe(201);
    await t.ctx.ledgerService.integrate();
    const list = (await t.app.inject({ method: 'GET', url: `/learners/${learner.id}/credentials`, headers: bearer(learner.token) })).json();
    expect(list.items).toHaveLength(1);
    const [c] = list.items;
    const entry = await t.ctx.db.selectFrom('ledger_entries').select(['id', 'leaf_index']).where('resource_type', '=', 'credential')
      .where('resource_id', '=', c.id).where('event_type', '=', 'credential.issued').executeTakeFirstOrThrow();
    expect(c.ledger).toEqual({ entryId: Number(entry.id), leafIndex: Number(entry.leaf_index), inclusionProof: `https://bank.test/ledger/proofs/inclusion?entryId=${entry.id}` });
    const proof = await t.app.inject({ method: 'GET', url: c.ledger.inclusionProof.replace('https://bank.test', '') });
    expect(proof.statusCode).toBe(200);
    expect(proof.json().entry).toMatchObject({ entryId: Number(entry.id), eventType: 'credential.issued' });
  });
});
