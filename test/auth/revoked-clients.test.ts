import { describe, expect, it } from 'vitest';
import { RevokedClients } from '../../src/auth/revoked-clients.js';

/** A list over a fake table of revocations, a fake wall clock and a fake monotonic clock. */
function setup(opts: { windowMs?: number; syncMs?: number } = {}) {
  const table = new Map<string, number>();
  const clock = { wall: 1_000_000, mono: 0 };
  const reads: Date[] = [];
  let gate: Promise<void> | undefined;
  let fail: Error | undefined;
  const list = new RevokedClients(async (since) => {
    reads.push(since);
    // The statement's snapshot is taken when it starts; a gate holds its answer back.
    const snapshot = [...table].filter(([, at]) => at > since.getTime()).map(([id]) => id);
    await gate;
    if (fail) throw fail;
    return snapshot;
  }, opts.windowMs ?? 60_000, opts.syncMs ?? 2_000, () => new Date(clock.wall), () => clock.mono);
  return {
    list, table, clock, reads,
    hold() { let open!: () => void; gate = new Promise((r) => { open = r; }); return () => { gate = undefined; open(); }; },
    failWith(err: Error | undefined) { fail = err; },
  };
}

describe('RevokedClients', () => {
  it('reads the database on first use, then again only once its copy is older than the sync interval', async () => {
    const s = setup();
    s.table.set('a', s.clock.wall - 10);
    expect(await s.list.has('a')).toBe(true);
    s.table.set('b', s.clock.wall);
    s.clock.mono = 1_999;
    expect(await s.list.has('b')).toBe(false);
    expect(s.reads).toHaveLength(1);
    s.clock.mono = 2_000;
    expect(await s.list.has('b')).toBe(true);
    expect(s.reads).toHaveLength(2);
  });

  it('asks only for revocations inside the window: older ones have no unexpired token', async () => {
    const s = setup({ windowMs: 60_000 });
    s.table.set('old', s.clock.wall - 60_001);
    s.table.set('recent', s.clock.wall - 59_000);
    expect(await s.list.has('old')).toBe(false);
    expect(await s.list.has('recent')).toBe(true);
    expect(s.reads[0]!.getTime()).toBe(s.clock.wall - 60_000);
  });

  it('shares one read among concurrent checks', async () => {
    const s = setup();
    const release = s.hold();
    const checks = Promise.all([s.list.has('a'), s.list.has('b'), s.list.has('c')]);
    release();
    expect(await checks).toEqual([false, false, false]);
    expect(s.reads).toHaveLength(1);
  });

  it('keeps a revocation made here when a read that started before it commits answers without it', async () => {
    const s = setup({ syncMs: 0 });
    const release = s.hold();
    const before = s.list.reload();
    s.table.set('leaked', s.clock.wall);
    s.list.add('leaked');
    release();
    await before;
    expect(await s.list.has('leaked')).toBe(true);
    // Once past the window it is dropped like any other revocation.
    s.table.delete('leaked');
    s.clock.wall += 60_001;
    expect(await s.list.has('leaked')).toBe(false);
  });

  it('fails the check when it cannot read a copy fresh enough, and recovers on the next', async () => {
    const s = setup();
    s.table.set('a', s.clock.wall);
    expect(await s.list.has('a')).toBe(true);
    s.clock.mono = 5_000;
    s.failWith(new Error('connection refused'));
    await expect(s.list.has('a')).rejects.toThrow('connection refused');
    await expect(s.list.has('z')).rejects.toThrow('connection refused');
    s.failWith(undefined);
    expect(await s.list.has('a')).toBe(true);
  });
});
