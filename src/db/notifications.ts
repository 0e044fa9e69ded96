import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * What a subscriber hears: each payload on its channel, and whether the subscription is live.
 * `live(false)` means messages may have been missed (or will be, until `live(true)` again), so
 * anything derived from them must be thrown away.
 */
export interface ChannelHandler {
  message(payload: string): void;
  live(live: boolean): void;
}

/** PostgreSQL LISTEN/NOTIFY for one database. */
export interface NotificationSource {
  /** Starts listening; resolves once the first attempt has succeeded or failed (it keeps retrying). */
  listen(channel: string, handler: ChannelHandler): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/;

function checkChannel(channel: string): void {
  // Channel names go into LISTEN as identifiers; only plain lower-case names are accepted.
  if (!CHANNEL.test(channel)) throw new Error(`invalid channel name: ${channel}`);
}

/** PGlite is one in-process database: its own listen() hears every commit, and never drops. */
export class PGliteNotifications implements NotificationSource {
  #unlisten: (() => Promise<void>)[] = [];
  #handlers: ChannelHandler[] = [];
  constructor(private readonly client: PGlite) {}

  async listen(channel: string, handler: ChannelHandler): Promise<void> {
    checkChannel(channel);
    this.#unlisten.push(await this.client.listen(channel, (payload) => handler.message(payload)));
    this.#handlers.push(handler);
    handler.live(true);
  }

  async close(): Promise<void> {
    const unlisten = this.#unlisten.splice(0);
    for (const h of this.#handlers.splice(0)) h.live(false);
    if (this.client.closed) return;
    for (const u of unlisten) await u();
  }
}

export interface PgNotificationOptions {
  /** First reconnect delay; doubles up to maxBackoffMs, with jitter. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  onError?: (err: Error) => void;
}

/**
 * A dedicated connection (not from the pool: a pooled client is handed to other queries and
 * released, and a LISTEN lives only as long as its session). When the connection errors or ends,
 * every handler hears live(false) at once and a new connection is tried with backoff; after a
 * reconnect handlers hear live(true) and must assume they missed messages in between.
 */
export class PgNotifications implements NotificationSource {
  #handlers = new Map<string, ChannelHandler[]>();
  #client: pg.Client | undefined;
  #listening = new Set<string>();
  #connecting: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;
  readonly #min: number;
  readonly #max: number;

  constructor(private readonly url: string, private readonly opts: PgNotificationOptions = {}) {
    this.#min = opts.minBackoffMs ?? 100;
    this.#max = opts.maxBackoffMs ?? 10_000;
  }

  async listen(channel: string, handler: ChannelHandler): Promise<void> {
    checkChannel(channel);
    if (this.#closed) throw new Error('notification source is closed');
    this.#handlers.set(channel, [...(this.#handlers.get(channel) ?? []), handler]);
    const client = this.#client;
    if (client) {
      if (!this.#listening.has(channel)) {
        try {
          await client.query(`LISTEN ${channel}`);
        } catch (err) {
          this.#lost(client, err as Error);
          return;
        }
        this.#listening.add(channel);
      }
      if (this.#client === client) handler.live(true);
      return;
    }
    // Connecting now, or a reconnect is scheduled: the handler hears live(true) when it succeeds.
    if (this.#timer) return;
    await (this.#connecting ??= this.#connect());
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#connecting;
    const client = this.#client;
    this.#client = undefined;
    this.#setLive(false);
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    // TCP keep-alive so a silently dead peer is noticed in about a minute, not the OS default of hours.
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, keepAliveInitialDelayMillis: 30_000, application_name: 'credit-bank-listener' });
    const listening = new Set<string>();
    client.on('notification', (n) => {
      for (const h of this.#handlers.get(n.channel) ?? []) h.message(n.payload ?? '');
    });
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, new Error('listener connection ended')));
    try {
      await client.connect();
      // Channels added while a LISTEN is in flight are picked up by the next turn of the loop.
      let next: string | undefined;
      while ((next = [...this.#handlers.keys()].find((c) => !listening.has(c))) !== undefined) {
        await client.query(`LISTEN ${next}`);
        listening.add(next);
      }
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.#connecting = undefined;
      this.#lost(client, err as Error);
      return;
    }
    this.#connecting = undefined;
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#listening = listening;
    this.#failures = 0;
    this.#setLive(true);
  }

  #lost(client: pg.Client, err: Error): void {
    if (this.#client !== undefined && this.#client !== client) return; // an old connection's late event
    this.#client = undefined;
    this.#setLive(false);
    // Whatever state it is in, this connection is no longer trusted; its own 'end' is then a no-op here.
    void client.end().catch(() => undefined);
    if (this.#closed || this.#timer) return;
    this.opts.onError?.(err);
    const delay = Math.min(this.#max, this.#min * 2 ** this.#failures++) * (0.5 + Math.random() / 2);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#closed && !this.#client) this.#connecting ??= this.#connect();
    }, delay);
    // A reconnect pending must not keep a process (a CLI run, a test worker) from exiting.
    this.#timer.unref();
  }

  #setLive(live: boolean): void {
    for (const list of this.#handlers.values()) for (const h of list) h.live(live);
  }
}
