import { describe, expect, it } from 'vitest';
import { NotifiedCache } from '../../src/db/notified-cache.js';

interface View { id: string; v: number }

function liveCache(max = 100): NotifiedCache<View> {
  const cache = new NotifiedCache<View>({ max, ttlSeconds: 60 });
  cache.live(true);
  return cache;
}

/** A loader whose reads finish when the test says so, counting calls. */
function gatedLoader() {
  const calls: string[] = [];
  const gates: ((v: View | undefined) => void)[] = [];
  const load = (id: string) => {
    calls.push(id);
    return new Promise<View | undefined>((resolve) => gates.push(resolve));
  };
  return { calls, load, finish: (v: View | undefined) => gates.shift()!(v) };
}

const counting = (value: (id: string) => View | undefined) => {
  const calls: string[] = [];
  return { calls, load: async (id: string) => { calls.push(id); return value(id); } };
};

describe('notified cache', () => {
  it('serves the second read without loading', async () => {
    const cache = liveCache();
    const l = counting((id) => ({ id, v: 1 }));
    expect(await cache.get('a', l.load)).toEqual({ id: 'a', v: 1 });
    expect(await cache.get('a', l.load)).toEqual({ id: 'a', v: 1 });
    expect(l.calls).toEqual(['a']);
  });

  it('reads through and stores nothing until the subscription is live', async () => {
    const cache = new NotifiedCache<View>({ max: 10, ttlSeconds: 60 });
    const l = counting((id) => ({ id, v: 1 }));
    await cache.get('a', l.load);
    await cache.get('a', l.load);
    expect(l.calls).toEqual(['a', 'a']);
    expect(cache.size).toBe(0);
  });

  it('forgets everything when the subscription goes down, and again when it comes back', async () => {
    const cache = liveCache();
    const l = counting((id) => ({ id, v: 1 }));
    await cache.get('a', l.load);
    cache.live(false);
    expect(cache.size).toBe(0);
    await cache.get('a', l.load);
    expect(cache.size).toBe(0);
    cache.live(true);
    await cache.get('a', l.load);
    expect(l.calls).toEqual(['a', 'a', 'a']);
    expect(cache.size).toBe(1);
  });

  it('does not store a read that an eviction overtook', async () => {
    const cache = liveCache();
    const g = gatedLoader();
    const first = cache.get('a', g.load);
    cache.message('a'); // the change committed while the old row was being read
    g.finish({ id: 'a', v: 1 });
    expect(await first).toEqual({ id: 'a', v: 1 });
    expect(cache.size).toBe(0);
    const second = cache.get('a', g.load);
    g.finish({ id: 'a', v: 2 });
    expect(await second).toEqual({ id: 'a', v: 2 });
    expect(g.calls).toEqual(['a', 'a']);
  });

  it('does not store a read that a lost subscription overtook', async () => {
    const cache = liveCache();
    const g = gatedLoader();
    const pending = cache.get('a', g.load);
    cache.live(false);
    cache.live(true);
    g.finish({ id: 'a', v: 1 });
    await pending;
    expect(cache.size).toBe(0);
  });

  it('shares one load between concurrent readers, but not with readers after an eviction', async () => {
    const cache = liveCache();
    const g = gatedLoader();
    const a1 = cache.get('a', g.load);
    const a2 = cache.get('a', g.load);
    cache.evict('a');
    const a3 = cache.get('a', g.load);
    g.finish({ id: 'a', v: 1 });
    g.finish({ id: 'a', v: 2 });
    expect([await a1, await a2, await a3]).toEqual([{ id: 'a', v: 1 }, { id: 'a', v: 1 }, { id: 'a', v: 2 }]);
    expect(g.calls).toEqual(['a', 'a']);
    expect({ loads: cache.loads, shared: cache.shared, hits: cache.hits }).toEqual({ loads: 2, shared: 1, hits: 0 });
    expect(await cache.get('a', g.load)).toEqual({ id: 'a', v: 2 });
  });

  it('does not cache a learner that does not exist', async () => {
    const cache = liveCache();
    const l = counting(() => undefined);
    expect(await cache.get('a', l.load)).toBeUndefined();
    expect(await cache.get('a', l.load)).toBeUndefined();
    expect(l.calls).toEqual(['a', 'a']);
  });

  it('evicts one id per notification, and everything on an empty payload', async () => {
    const cache = liveCache();
    const l = counting((id) => ({ id, v: 1 }));
    await cache.get('a', l.load);
    await cache.get('b', l.load);
    const evictedA = cache.evicted('a');
    cache.message('a');
    await evictedA;
    expect(cache.size).toBe(1);
    cache.message('');
    expect(cache.size).toBe(0);
  });

  it('keeps at most max entries, dropping the least recently used', async () => {
    const cache = liveCache(2);
    const l = counting((id) => ({ id, v: 1 }));
    for (const id of ['a', 'b', 'a', 'c']) await cache.get(id, l.load);
    expect(cache.size).toBe(2);
    await cache.get('a', l.load);
    await cache.get('b', l.load);
    expect(l.calls).toEqual(['a', 'b', 'c', 'b']);
  });
});
