import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import type { TestInstitution, TestLearner } from '../helpers/factories.js';
import { bearer, createLearner, newResidentId } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { onPostgres } from '../helpers/test-db.js';
import { deposit, depositBody, insertItem, recordsWorld } from './fixtures.js';

// Migration 0017 replaced the deposit tables' per-row foreign keys with per-statement checks and
// delete guards on the referenced tables. These tests hold that nothing the keys refused is allowed.

let t: TestApp;
let uni: TestInstitution;
let learner: TestLearner;
let item: string;

beforeAll(async () => {
  ({ t, uni, learner, item } = await recordsWorld());
});
afterAll(async () => t.close());

const at = new Date('2024-07-01T00:00:00Z');
const achievementRow = (over: Record<string, unknown> = {}) => ({
  learner_id: learner.id, id: randomUUID(), institution_id: uni.id, external_id: `raw-${randomUUID()}`, source: 'catalogue', created_at: at, ...over,
});
const versionRow = (a: { learner_id: string; id: string }, over: Record<string, unknown> = {}) => ({
  learner_id: a.learner_id, achievement_id: a.id, version: 1, action: 'deposit' as const, catalogue_item_id: item, result: '80',
  credits: '4', credit_system_id: 'cn-university', completed_on: '2024-06-30', actor: 'test', recorded_at: at, ledger_entry_id: 1, ...over,
});
/** An account opened by the institution with no sign-in, so no other table refers to it yet. */
async function accountOnly(): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(uni.token), payload: { identity: { type: 'cn-resident', number: newResidentId() }, name: '王五' } });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

/** PostgreSQL's SQLSTATE on the error (kysely-pglite and pg both expose it as `code`). */
const sqlState = async (p: Promise<unknown>) => p.then(() => 'no error', (err: { code?: string }) => err.code);
/** SQLSTATE and message, where another table's key could refuse the same statement first. */
const refusal = async (p: Promise<unknown>) => p.then(() => 'no error', (err: { code?: string; message?: string }) => `${err.code} ${err.message}`);

describe('inserts that name something missing are refused with 23503, as the foreign keys did', () => {
  it('an achievement of an unknown learner or institution, even among good rows in one statement', async () => {
    const good = achievementRow();
    expect(await sqlState(t.ctx.db.insertInto('achievements').values([good, achievementRow({ learner_id: randomUUID() })]).execute())).toBe('23503');
    expect(await sqlState(t.ctx.db.insertInto('achievements').values([good, achievementRow({ institution_id: randomUUID() })]).execute())).toBe('23503');
    expect(await t.ctx.db.selectFrom('achievements').select('id').where('id', '=', good.id).execute()).toEqual([]);
  });

  it('a natural key of an unknown institution', async () => {
    const row = { institution_id: randomUUID(), external_id: 'x', learner_id: learner.id, achievement_id: randomUUID(), content_hash: 'h' };
    expect(await sqlState(t.ctx.db.insertInto('achievement_keys').values(row).execute())).toBe('23503');
  });

  it('a version of an unknown achievement or catalogue item; a version with no catalogue item is fine', async () => {
    const a = achievementRow();
    await t.ctx.db.insertInto('achievements').values(a).execute();
    expect(await sqlState(t.ctx.db.insertInto('achievement_versions').values(versionRow({ learner_id: learner.id, id: randomUUID() })).execute())).toBe('23503');
    // The right achievement id under another learner is no achievement either (the key was on both columns).
    const other = await createLearner(t.app, uni.token);
    expect(await sqlState(t.ctx.db.insertInto('achievement_versions').values(versionRow({ learner_id: other.id, id: a.id })).execute())).toBe('23503');
    expect(await sqlState(t.ctx.db.insertInto('achievement_versions').values(versionRow(a, { catalogue_item_id: randomUUID() })).execute())).toBe('23503');
    expect(await sqlState(t.ctx.db.insertInto('achievement_versions').values(versionRow(a, { catalogue_item_id: null, learning: JSON.stringify({ source: 'work' }) })).execute())).toBe('no error');
  });

  it('the deposit routes still work through the checks', async () => {
    expect((await deposit(t.app, uni.token, learner.id, depositBody(item))).statusCode).toBe(201);
  });
});

describe('a referenced row cannot be deleted or re-keyed', () => {
  it('refuses to delete a learner with achievements, and deletes one without', async () => {
    expect((await deposit(t.app, uni.token, learner.id, depositBody(item))).statusCode).toBe(201);
    expect(await refusal(sql`delete from learners where id = ${learner.id}`.execute(t.ctx.db))).toMatch(/^23503 learner .* still has achievements/);
    expect(await refusal(sql`update learners set id = ${randomUUID()} where id = ${learner.id}`.execute(t.ctx.db))).toMatch(/^23503 learner .* still has achievements/);
    const fresh = await accountOnly();
    expect(await refusal(sql`delete from learners where id = ${fresh}`.execute(t.ctx.db))).toBe('no error');
  });

  it('refuses to delete the depositing institution or a catalogue item that versions name', async () => {
    expect(await refusal(sql`delete from catalogue_items where id = ${item}`.execute(t.ctx.db))).toMatch(/^23503 catalogue item .* is named by achievements/);
    expect(await refusal(sql`update catalogue_items set id = ${randomUUID()} where id = ${item}`.execute(t.ctx.db))).toMatch(/^23503 catalogue item .* is named by achievements/);
    expect(await refusal(sql`delete from institutions where id = ${uni.id}`.execute(t.ctx.db))).toMatch(/^23503 institution .* still has deposited achievements/);
    // A catalogue item nobody deposited against can go (the other keys on it permitting).
    const unused = await insertItem(t.ctx.db, uni.id);
    expect(await sqlState(sql`delete from catalogue_items where id = ${unused}`.execute(t.ctx.db))).toBe('no error');
  });

  it('still lets a learner be renamed (an update that leaves the id alone)', async () => {
    expect(await sqlState(sql`update learners set name = '李四' where id = ${learner.id}`.execute(t.ctx.db))).toBe('no error');
  });
});

describe.runIf(onPostgres)('a delete racing a deposit (PostgreSQL: two connections)', () => {
  it('waits for the uncommitted deposit and then refuses, so no achievement is left without its learner', async () => {
    const racer = { id: await accountOnly() };
    const depositor = new pg.Client({ connectionString: t.database.url });
    const deleter = new pg.Client({ connectionString: t.database.url });
    await depositor.connect();
    await deleter.connect();
    try {
      await depositor.query('begin');
      await depositor.query(`insert into achievements (learner_id, id, institution_id, external_id, source, created_at)
        values ($1, $2, $3, $4, 'catalogue', now())`, [racer.id, randomUUID(), uni.id, `race-${randomUUID()}`]);
      // The delete must block on the open insert rather than slip in before its commit.
      let settled = false;
      const deleting = deleter.query('delete from learners where id = $1', [racer.id]).then(
        () => { settled = true; return 'deleted'; }, (err: { code?: string }) => { settled = true; return err.code; });
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await depositor.query('commit');
      expect(await deleting).toBe('23503');
      const left = await t.ctx.db.selectFrom('learners').select('id').where('id', '=', racer.id).execute();
      expect(left).toHaveLength(1);
    } finally {
      await depositor.end();
      await deleter.end();
    }
  });

  it('a deposit that starts after an uncommitted delete waits for it and is then refused', async () => {
    const gone = { id: await accountOnly() };
    const deleter = new pg.Client({ connectionString: t.database.url });
    await deleter.connect();
    try {
      await deleter.query('begin');
      await deleter.query('delete from learners where id = $1', [gone.id]);
      const inserting = sqlState(t.ctx.db.insertInto('achievements').values(achievementRow({ learner_id: gone.id })).execute());
      await new Promise((r) => setTimeout(r, 300));
      await deleter.query('commit');
      expect(await inserting).toBe('23503');
    } finally {
      await deleter.end();
    }
  });
});
