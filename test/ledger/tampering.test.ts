import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/principal.js';
import { httpSource, type GetJson } from '../../src/ledger/cli/ledger-source.js';
import { runAudit } from '../../src/ledger/cli/audit-run.js';
import { leafHashOf, toBase64 } from '../../src/ledger/merkle/index.js';
import { headRowOf } from '../../src/ledger/tree-head-keys.js';
import { versionValues } from '../../src/records/achievement-rows.js';
import { appendVersion } from '../../src/records/deposit-writer.js';
import { insertAchievements } from '../../src/records/achievements.repository.js';
import { createInstitution, createLearner, operatorToken } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { appendEvents } from './ledger-fixture.js';

let t: TestApp;
let institutionId: string;
let learnerId: string;
const actor: Actor = { principal: { kind: 'operator', clientId: 'test', scopes: ['*'] }, requestId: 'test' };

/** The auditor over the public routes, through app.inject instead of the network. */
const inject: GetJson = async (url) => {
  const res = await t.app.inject({ method: 'GET', url: url.replace('https://bank.test', '') });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
const audit = () => runAudit(httpSource('https://bank.test', inject, 7));

/** A deposit exactly as the records service writes it: achievement, version row and ledger entry in one transaction. */
async function deposit(credits: string, fail?: 'after-change' | 'after-append') {
  const achievementId = randomUUID();
  const at = new Date();
  const content = {
    catalogueItemId: null, result: 'A', credits, creditSystemId: 'ects', completedOn: '2024-06-30', term: '2024S',
    assessmentMode: 'exam', evidence: null,
    learning: { source: 'work-based' as const, title: { zh: '焊接 𠮷' }, provenance: { issuer: 'Acme', method: 'portfolio assessment' } },
  };
  let entryId = 0;
  await t.ctx.db.transaction().execute(async (trx) => {
    await insertAchievements(trx, [{ learner_id: learnerId, id: achievementId, institution_id: institutionId, external_id: achievementId, source: 'work-based', created_at: at }]);
    if (fail === 'after-change') throw new Error('crash after the change');
    entryId = await appendVersion(trx, t.ctx.ledger, actor, versionValues(learnerId, achievementId, 1, content, { action: 'deposit', supersedes: null, reason: null, actor: 'operator:test', at }));
    if (fail === 'after-append') throw new Error('crash after the log append');
  });
  return { achievementId, entryId };
}

beforeAll(async () => {
  t = await createTestApp();
  const op = await operatorToken(t.app);
  const inst = await createInstitution(t.app, op);
  institutionId = inst.id;
  learnerId = (await createLearner(t.app, inst.token)).id;
  for (const credits of ['3', '4.5', '6']) await deposit(credits);
  // 11 events; the integrator's first run adds the key.created entry of its tree-head key.
  await appendEvents(t.ctx, 11);
  await t.ctx.ledgerService.integrate();
});
afterAll(async () => t.close());

describe('ledger tampering', () => {
  it('finds an untouched database and log consistent', async () => {
    expect((await t.ctx.ledgerService.checkDatabase()).ok).toBe(true);
    const { report } = await audit();
    expect(report).toMatchObject({ ok: true, entriesChecked: 15 });
  });

  it('makes a crash between the change and its log entry impossible: neither is visible', async () => {
    const before = await t.ctx.db.selectFrom('ledger_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    for (const fail of ['after-change', 'after-append'] as const) {
      await expect(deposit('9', fail)).rejects.toThrow(/crash/);
    }
    const after = await t.ctx.db.selectFrom('ledger_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const orphans = await t.ctx.db.selectFrom('achievements').select('id').where('learner_id', '=', learnerId).execute();
    expect(orphans).toHaveLength(3);
  });

  it('reports a forked tree head: a second signed head of a size with another root', async () => {
    const head = await t.ctx.ledgerService.latestTreeHead();
    const keys = t.ctx.ledgerService.integrator['keys'];
    const forked = await keys.sign({ treeSize: head.treeSize, rootHash: toBase64(Buffer.alloc(32, 9)), timestamp: head.timestamp + 1 }, await keys.signingKey());
    await t.ctx.db.insertInto('ledger_tree_heads').values(headRowOf(forked)).execute();
    const { report } = await audit();
    expect(report.problem).toMatchObject({ kind: 'forked-heads', treeSize: head.treeSize, expected: head.rootHash, found: forked.rootHash });
    await t.ctx.db.deleteFrom('ledger_tree_heads').where('root_hash', '=', forked.rootHash).execute();
    expect((await audit()).report.ok).toBe(true);
  });

  it('reports a record row changed directly in the database, naming its entry', async () => {
    const victim = await deposit('2');
    await t.ctx.ledgerService.integrate();
    // An attacker with database access: the append-only trigger is no obstacle to them.
    await sql`alter table achievement_versions disable trigger achievement_versions_append_only`.execute(t.ctx.db);
    await sql`update achievement_versions set credits = 20 where achievement_id = ${victim.achievementId}`.execute(t.ctx.db);
    await sql`alter table achievement_versions enable trigger achievement_versions_append_only`.execute(t.ctx.db);
    const report = await t.ctx.ledgerService.checkDatabase();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({
      kind: 'body-digest-mismatch', entryId: victim.entryId, resourceType: 'achievement_version', resourceId: `${victim.achievementId}:1`,
    })]);
    // Covering the change by rewriting the logged digest breaks the leaf hash instead.
    const digest = report.problems[0]!.found!;
    await sql`update ledger_entries set body_digest = ${digest} where id = ${victim.entryId}`.execute(t.ctx.db);
    const again = await t.ctx.ledgerService.checkDatabase();
    expect(again.problems).toEqual([expect.objectContaining({ kind: 'leaf-hash-mismatch', entryId: victim.entryId })]);
    const { report: audited } = await audit();
    expect(audited.problem).toMatchObject({ kind: 'leaf-hash-mismatch', entryIndex: again.problems[0]!.leafIndex });
    // Rewriting the leaf hash to match as well breaks the signed root: the change is located
    // between the last head that still verifies and the first that does not.
    const served = (await t.ctx.ledgerService.entries(0, 1000)).entries.find((e) => e.entryId === victim.entryId)!;
    await sql`update ledger_entries set leaf_hash = ${Buffer.from(leafHashOf(served))} where id = ${victim.entryId}`.execute(t.ctx.db);
    const { report: rootCheck } = await audit();
    expect(rootCheck.problem).toMatchObject({ kind: 'root-mismatch' });
    expect(rootCheck.problem!.suspectRange!.from).toBeLessThanOrEqual(served.index);
    expect(rootCheck.problem!.suspectRange!.to).toBeGreaterThan(served.index);
    await sql`delete from ledger_entries where id = ${victim.entryId}`.execute(t.ctx.db);
  });

  it('reports a deleted log entry by its index', async () => {
    const { entries } = await t.ctx.ledgerService.entries(0, 1000);
    const { report } = await audit();
    // The previous test deleted the last entry; a signed head still covers it.
    expect(report.problem).toMatchObject({ kind: 'missing-entries', entryIndex: entries.length });
    const victim = entries[4]!;
    await sql`delete from ledger_entries where id = ${victim.entryId}`.execute(t.ctx.db);
    const { report: gap } = await audit();
    expect(gap.problem).toMatchObject({ kind: 'index-gap', entryIndex: 4, found: '5' });
  });

  it('reports a record row whose log entry was deleted before it reached the tree', async () => {
    const victim = await deposit('1.5');
    // Not yet integrated: the tree has no hole to show, but the row still names its entry.
    await sql`delete from ledger_entries where id = ${victim.entryId}`.execute(t.ctx.db);
    const report = await t.ctx.ledgerService.checkDatabase();
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({
      kind: 'entry-missing', entryId: victim.entryId, resourceType: 'achievement_versions',
      resourceId: `${learnerId}:${victim.achievementId}:1`,
    }));
  });

});
