import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/db/database.js';
import { createPGlite, kyselyOverPGlite, kyselyOverPostgres } from '../../src/db/dialect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export interface TestDatabase {
  db: Kysely<Database>;
  /** A second, independent handle (PostgreSQL only; PGlite has one connection). */
  url?: string;
  drop(): Promise<void>;
}

const serverUrl = process.env.TEST_DATABASE_URL;
export const onPostgres = serverUrl !== undefined && serverUrl !== '';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or with TEST_DATABASE_URL a
 * new database on that server, dropped at the end.
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = opts.migrate ?? true;
  if (!onPostgres) {
    const db = kyselyOverPGlite(await createPGlite('memory://'));
    if (migrate) await migrateToLatest(db);
    return { db, drop: () => db.destroy() };
  }
  const name = `cb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  const db = kyselyOverPostgres(url.toString());
  if (migrate) await migrateToLatest(db);
  return {
    db, url: url.toString(),
    async drop() {
      await db.destroy();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
