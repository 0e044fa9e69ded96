import { describe, expect, it } from 'vitest';
import type { Db, Executor } from '../../src/db/database.js';
import { TargetRuleCache } from '../../src/recognition/evaluation/rule-cache.js';

// A fake clock and stamp source: the cache's freshness policy without a database.
function setup() {
  const state = { now: 0, stamp: 's1', stampQueries: 0, builds: 0 };
  const cache = new TargetRuleCache<string>({} as Db, async (_db: Executor, target, stamp) => { state.builds++; return `${target}@${stamp}`; },
    1000, () => state.now, async () => { state.stampQueries++; return state.stamp; });
  return { state, cache, db: {} as Executor };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('rule index cache of a target', () => {
  it('serves previews from the cache without a stamp query until the check interval passes', async () => {
    const { state, cache, db } = setup();
    expect(await cache.get(db, 't', false)).toBe('t@s1');
    state.now = 999;
    expect(await cache.get(db, 't', false)).toBe('t@s1');
    expect(state.stampQueries).toBe(1);
  });

  it('after the interval, serves the cached index once and rebuilds in the background when another instance published', async () => {
    const { state, cache, db } = setup();
    await cache.get(db, 't', false);
    state.stamp = 's2';
    state.now = 1000;
    expect(await cache.get(db, 't', false)).toBe('t@s1');
    await settle();
    expect(await cache.get(db, 't', false)).toBe('t@s2');
    expect(state.builds).toBe(2);
  });

  it('always checks the stamp for writers (fresh), and rebuilds only when it moved', async () => {
    const { state, cache, db } = setup();
    await cache.get(db, 't', false);
    expect(await cache.get(db, 't', true)).toBe('t@s1');
    state.stamp = 's2';
    expect(await cache.get(db, 't', true)).toBe('t@s2');
    expect([state.stampQueries, state.builds]).toEqual([3, 2]);
  });

  it('rebuilds at once after an invalidation from this instance', async () => {
    const { state, cache, db } = setup();
    await cache.get(db, 't', false);
    state.stamp = 's2';
    cache.invalidate('t');
    expect(await cache.get(db, 't', false)).toBe('t@s2');
  });
});
