import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type DatabaseConnection, type Dialect, type Driver, type TransactionSettings } from 'kysely';
import { KyselyPGlite } from 'kysely-pglite';
import pg from 'pg';
import type { Config } from '../config/config.js';
import type { Database } from './database.js';
import { PGliteNotifications, PgNotifications, type NotificationSource } from './notifications.js';
import { parseTimestamptz } from './timestamps.js';

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMPTZ = 1184;

// Both databases return the same JS types: bigint → number (ledger sizes stay far below 2^53),
// numeric → exact decimal string, date → 'YYYY-MM-DD' (no time-zone shift); timestamptz → Date,
// read by position (see timestamps.ts).
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === DATE) return (v: string) => v;
    if (oid === TIMESTAMPTZ && format !== 'binary') return parseTimestamptz;
    return pg.types.getTypeParser(oid, format);
  },
};
export const pgliteParsers = {
  [INT8]: (v: string) => Number(v),
  [NUMERIC]: (v: string) => v,
  [DATE]: (v: string) => v,
};

/**
 * PGlite is one connection. kysely-pglite's driver hands the same connection to every caller, so a
 * query from a concurrent request would run inside another request's open transaction. This
 * wrapper serialises connections: a transaction holds the database until it ends.
 */
class SerialDriver implements Driver {
  #tail: Promise<void> = Promise.resolve();
  #release = new Map<DatabaseConnection, () => void>();
  constructor(private readonly inner: Driver) {}
  init() { return this.inner.init(); }
  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.#tail;
    this.#tail = new Promise<void>((resolve) => { release = resolve; });
    await previous;
    const connection = await this.inner.acquireConnection();
    // The inner driver creates a fresh wrapper per acquire, so the map key is unique.
    this.#release.set(connection, release);
    return connection;
  }
  beginTransaction(c: DatabaseConnection, s: TransactionSettings) { return this.inner.beginTransaction(c, s); }
  commitTransaction(c: DatabaseConnection) { return this.inner.commitTransaction(c); }
  rollbackTransaction(c: DatabaseConnection) { return this.inner.rollbackTransaction(c); }
  async releaseConnection(c: DatabaseConnection) {
    await this.inner.releaseConnection(c);
    const release = this.#release.get(c);
    this.#release.delete(c);
    release?.();
  }
  destroy() { return this.inner.destroy(); }
}

function serialDialect(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createDriver: () => new SerialDriver(inner.createDriver()),
    createIntrospector: (db) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
  };
}

export async function createPGlite(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  return PGlite.create(dataDir, { parsers: pgliteParsers, loadDataDir });
}

export function kyselyOverPGlite(client: PGlite): Kysely<Database> {
  return new Kysely<Database>({ dialect: serialDialect(new KyselyPGlite(client).dialect) });
}

/**
 * An idle pooled client can be cut off by the server (restart, failover, admin termination). pg
 * emits that on the pool; without a listener Node would crash the whole service. The pool drops the
 * client and the next query opens a new one, so the error is only reported.
 */
export function kyselyOverPostgres(url: string, max = 10, onIdleError: (err: Error) => void = () => {}): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max, types: pgTypes });
  pool.on('error', onIdleError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** The database and its LISTEN/NOTIFY source (a dedicated connection on PostgreSQL, connected on first listen). */
export async function createDatabase(config: Config, onIdleError?: (err: Error) => void, onListenerError?: (err: Error) => void):
  Promise<{ db: Kysely<Database>; notifications: NotificationSource }> {
  if (config.database.kind === 'postgres') {
    return {
      db: kyselyOverPostgres(config.database.url, 10, onIdleError),
      notifications: new PgNotifications(config.database.url, { onError: onListenerError }),
    };
  }
  const client = await createPGlite(config.database.dataDir);
  return { db: kyselyOverPGlite(client), notifications: new PGliteNotifications(client) };
}
