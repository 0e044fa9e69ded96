import { LRUCache } from 'lru-cache';
import type { ChannelHandler, NotificationSource } from './notifications.js';

export interface NotifiedCacheOptions { max: number; ttlSeconds: number }

interface Load<V> { promise: Promise<V | undefined>; stale: boolean }

/**
 * Values by id for read paths, per instance, kept correct by a database trigger that announces
 * every committed change on a channel (the id as payload, '' for everything; learners and the trust
 * list use it). The trigger is the source of truth:
 * an entry is dropped when its change notification arrives, and the cache is used only while the
 * LISTEN subscription is live. When it is not (not yet connected, connection lost, reconnecting)
 * every read goes to the database and nothing is stored, and the cache starts empty again once
 * live, since notifications sent meanwhile were missed. The TTL bounds the damage of a bug or a
 * silently dead connection, not normal staleness.
 *
 * A read that raced a change must not store what it read: a load is marked stale when its id is
 * evicted (or everything is cleared) while it runs, and then returns its row without storing it.
 */
export class NotifiedCache<V extends object> implements ChannelHandler {
  readonly #lru: LRUCache<string, V>;
  readonly #loads = new Map<string, Load<V>>();
  readonly #evictWaiters = new Map<string, (() => void)[]>();
  readonly #liveWaiters: { live: boolean; resolve: () => void }[] = [];
  #live = false;
  /** Reads served from the cache, database reads made (bypassing included), reads that joined another's pending read. */
  hits = 0;
  loads = 0;
  shared = 0;

  constructor(opts: NotifiedCacheOptions) {
    this.#lru = new LRUCache<string, V>({ max: opts.max, ttl: opts.ttlSeconds * 1000 });
  }

  get isLive(): boolean { return this.#live; }

  /** The cached value, else `load(id)` (shared by concurrent readers of the same id); misses are not cached. */
  async get(id: string, load: (id: string) => Promise<V | undefined>): Promise<V | undefined> {
    if (!this.#live) {
      this.loads++;
      return load(id);
    }
    const hit = this.#lru.get(id);
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    const pending = this.#loads.get(id);
    if (pending) {
      this.shared++;
      return pending.promise;
    }
    this.loads++;
    const entry: Load<V> = { promise: load(id), stale: false };
    this.#loads.set(id, entry);
    try {
      const value = await entry.promise;
      if (value !== undefined && !entry.stale && this.#live) this.#lru.set(id, value);
      return value;
    } finally {
      if (this.#loads.get(id) === entry) this.#loads.delete(id);
    }
  }

  /** Forgets one entry: on its change notification, or after this instance's own write commits. */
  evict(id: string): void {
    this.#lru.delete(id);
    this.#abandonLoad(id);
    const waiters = this.#evictWaiters.get(id);
    this.#evictWaiters.delete(id);
    for (const w of waiters ?? []) w();
  }

  clear(): void {
    this.#lru.clear();
    for (const id of [...this.#loads.keys()]) this.#abandonLoad(id);
    for (const id of [...this.#evictWaiters.keys()]) this.evict(id);
  }

  get size(): number { return this.#lru.size; }

  message(payload: string): void {
    if (payload === '') this.clear();
    else this.evict(payload);
  }

  live(live: boolean): void {
    // Either way the entries are suspect: going down, messages may be lost from now on; coming up,
    // some were lost while down.
    this.clear();
    this.#live = live;
    for (const w of this.#liveWaiters.filter((x) => x.live === live)) {
      this.#liveWaiters.splice(this.#liveWaiters.indexOf(w), 1);
      w.resolve();
    }
  }

  /** Resolves at the next eviction of `id` (tests and callers that must see a change wait on this). */
  evicted(id: string): Promise<void> {
    return new Promise((resolve) => this.#evictWaiters.set(id, [...(this.#evictWaiters.get(id) ?? []), resolve]));
  }

  /** Resolves once the subscription is (or is no longer) live. */
  whenLive(live = true): Promise<void> {
    if (this.#live === live) return Promise.resolve();
    return new Promise((resolve) => this.#liveWaiters.push({ live, resolve }));
  }

  #abandonLoad(id: string): void {
    const load = this.#loads.get(id);
    if (!load) return;
    load.stale = true;
    this.#loads.delete(id);
  }
}

/** A cache subscribed to `channel`, or undefined when disabled (size 0) or nothing can notify. */
export async function subscribedCache<V extends object>(channel: string, opts: NotifiedCacheOptions, source: NotificationSource | undefined):
  Promise<NotifiedCache<V> | undefined> {
  if (opts.max === 0 || !source) return undefined;
  const cache = new NotifiedCache<V>(opts);
  await source.listen(channel, cache);
  return cache;
}
