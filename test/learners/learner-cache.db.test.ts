import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LearnerCache } from '../../src/learners/learner-cache.js';
import type { Learner } from '../../src/learners/learners.service.js';
import { updateLearnerDid } from '../../src/learners/learners.repository.js';
import { bearer, newResidentId } from '../helpers/factories.js';
import { elsewhere } from '../helpers/elsewhere.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';
import { onPostgres } from '../helpers/test-db.js';

let t: TestApp;
let op: string;
let instToken: string;
let cache: LearnerCache<Learner>;

beforeAll(async () => {
  const started = await institutionApp();
  ({ t, op } = started);
  instToken = started.inst.token;
  cache = t.ctx.learners.cache!;
  await cache.whenLive();
});
afterAll(async () => t.close());

/** An account opened by the institution (no sign-in, so nothing else refers to it), its insert heard. */
async function register(app = t.app, token = instToken, name = '张三'): Promise<{ id: string }> {
  const res = await app.inject({ method: 'POST', url: '/learners', headers: bearer(token), payload: { identity: { type: 'cn-resident', number: newResidentId() }, name } });
  expect(res.statusCode).toBe(201);
  if (app === t.app) await heardSoFar();
  return { id: res.json().id };
}

/**
 * Waits until every change committed so far has been heard: notifications arrive in commit order,
 * so once a marker sent now is heard, so are they (e.g. the insert of a just-registered learner).
 */
async function heardSoFar(): Promise<void> {
  const marker = randomUUID();
  const heard = cache.evicted(marker);
  await sql`select pg_notify('learner_changed', ${marker})`.execute(t.ctx.db);
  await heard;
}

const read = (id: string) => t.app.inject({ method: 'GET', url: `/learners/${id}`, headers: bearer(op) });

/** Counts queries on the learners table made through the service's database handle. */
function learnerQueries() {
  const spy = vi.spyOn(t.ctx.db, 'selectFrom');
  return { count: () => spy.mock.calls.filter((c) => c[0] === 'learners').length, restore: () => spy.mockRestore() };
}

describe('learner cache over the database', () => {
  it('serves a repeated read from the cache', async () => {
    const { id } = await register(t.app, instToken, '缓存一');
    const q = learnerQueries();
    try {
      expect((await read(id)).json().name).toBe('缓存一');
      expect((await read(id)).json().name).toBe('缓存一');
      expect((await read(id)).statusCode).toBe(200);
      expect(q.count()).toBe(1);
    } finally {
      q.restore();
    }
  });

  it('sees a change written through this instance once its notification drops the copy', async () => {
    const { id } = await register();
    expect((await read(id)).json().did).toBeNull();
    const evicted = cache.evicted(id);
    await updateLearnerDid(t.ctx.db, id, 'did:key:z6MkCacheTest1');
    await evicted;
    expect((await read(id)).json().did).toBe('did:key:z6MkCacheTest1');
  });

  it('sees a change made by another connection in SQL once its notification arrives', async () => {
    const { id } = await register(t.app, instToken, '旧名');
    expect((await read(id)).json().name).toBe('旧名');
    const evicted = cache.evicted(id);
    await elsewhere(t, 'update learners set name = $1 where id = $2', ['新名', id]);
    await evicted;
    expect((await read(id)).json().name).toBe('新名');
  });

  it('forgets a deleted learner', async () => {
    const { id } = await register();
    expect((await read(id)).statusCode).toBe(200);
    const evicted = cache.evicted(id);
    await elsewhere(t, 'delete from learners where id = $1', [id]);
    await evicted;
    expect((await read(id)).statusCode).toBe(404);
  });

  it('hears nothing from a rolled-back change and keeps the copy', async () => {
    const a = await register(t.app, instToken, '回滚');
    const b = await register();
    await read(a.id);
    await read(b.id);
    await t.ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('learners').set({ name: '不该出现' }).where('id', '=', a.id).execute();
      throw new Error('roll back');
    }).catch(() => undefined);
    // Notifications arrive in commit order: once b's is here, a's would have been too.
    const evictedB = cache.evicted(b.id);
    await updateLearnerDid(t.ctx.db, b.id, 'did:key:z6MkCacheTest2');
    await evictedB;
    const q = learnerQueries();
    try {
      expect((await read(a.id)).json().name).toBe('回滚');
      expect(q.count()).toBe(0);
    } finally {
      q.restore();
    }
  });

  it.runIf(onPostgres)('reads the database while the listening connection is down, and caches again after it reconnects', async () => {
    const { id } = await register(t.app, instToken, '断线前');
    await read(id);
    // The listener reconnects within tens of milliseconds here: its connection attempts fail until
    // the checks below are done, so that it cannot come back between two reads.
    const connect = pg.Client.prototype.connect;
    const held = vi.spyOn(pg.Client.prototype, 'connect').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const name = (this as unknown as { connectionParameters?: { application_name?: string } }).connectionParameters?.application_name;
      if (name === 'credit-bank-listener') return Promise.reject(new Error('listener held down by the test'));
      return (connect as unknown as (...a: unknown[]) => Promise<pg.Client>).apply(this, args);
    });
    const down = cache.whenLive(false);
    await elsewhere(t, `select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = 'credit-bank-listener' and datname = current_database()`, []);
    await down;
    // No notification can arrive now: a change must still be seen, because reads go to the database.
    await elsewhere(t, 'update learners set name = $1 where id = $2', ['断线中', id]);
    const q = learnerQueries();
    try {
      expect((await read(id)).json().name).toBe('断线中');
      expect((await read(id)).json().name).toBe('断线中');
      expect(q.count()).toBe(2);
    } finally {
      q.restore();
      held.mockRestore();
    }
    await cache.whenLive(true);
    expect((await read(id)).json().name).toBe('断线中');
    const evicted = cache.evicted(id);
    await elsewhere(t, 'update learners set name = $1 where id = $2', ['重连后', id]);
    await evicted;
    expect((await read(id)).json().name).toBe('重连后');
  });

  // Last: closing the notification source is for good.
  it('reads the database once the notification source is closed', async () => {
    const { id } = await register(t.app, instToken, '关闭前');
    await read(id);
    await t.database.notifications.close();
    expect(cache.isLive).toBe(false);
    await elsewhere(t, 'update learners set name = $1 where id = $2', ['关闭后', id]);
    const q = learnerQueries();
    try {
      expect((await read(id)).json().name).toBe('关闭后');
      expect((await read(id)).json().name).toBe('关闭后');
      expect(q.count()).toBe(2);
    } finally {
      q.restore();
    }
  });
});

describe('learner cache of size 0', () => {
  let off: TestApp;
  let offOp: string;
  let offInst: string;
  beforeAll(async () => {
    const started = await institutionApp({ config: { learnerCache: { size: 0, ttlSeconds: 60 } } });
    ({ t: off, op: offOp } = started);
    offInst = started.inst.token;
  });
  afterAll(async () => off.close());

  it('is not created, and every read goes to the database', async () => {
    expect(off.ctx.learners.cache).toBeUndefined();
    const { id } = await register(off.app, offInst);
    const spy = vi.spyOn(off.ctx.db, 'selectFrom');
    try {
      for (let i = 0; i < 3; i++) expect((await off.app.inject({ method: 'GET', url: `/learners/${id}`, headers: bearer(offOp) })).statusCode).toBe(200);
      expect(spy.mock.calls.filter((c) => c[0] === 'learners')).toHaveLength(3);
    } finally {
      spy.mockRestore();
    }
  });
});
