import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createPGlite, kyselyOverPGlite, kyselyOverPostgres } from '../../src/db/dialect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { PGliteNotifications, PgNotifications, type NotificationSource } from '../../src/db/notifications.js';

export interface TestDatabase {
  db: Kysely<Database>;
  /** A second, independent handle (PostgreSQL only; PGlite has one connection). */
  url?: string;
  /** LISTEN/NOTIFY on this database (on PostgreSQL a dedicated connection, opened on first listen); closed by drop(). */
  notifications: NotificationSource;
  drop(): Promise<void>;
}

const serverUrl = process.env.TEST_DATABASE_URL;
export const onPostgres = serverUrl !== undefined && serverUrl !== '';

/** A copy of the dump the global setup made (see test/global-setup.ts). */
function pgliteFromDump(path: string) {
  return createPGlite('memory://', new Blob([readFileSync(path)]));
}

async function createServerDatabase(name: string, template: string | undefined): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
        return;
      } catch (err) {
        // Two files copying the template at the same instant: PostgreSQL refuses the second; retry.
        if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite loaded from the migrated
 * template, or with TEST_DATABASE_URL a new database copied from the template on that server,
 * dropped at the end. `migrate: false` gives an empty database.
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = opts.migrate ?? true;
  if (!onPostgres) {
    const dump = inject(migrate ? 'pgliteMigratedDump' : 'pgliteEmptyDump');
    const client = dump ? await pgliteFromDump(dump) : await createPGlite('memory://');
    const db = kyselyOverPGlite(client);
    if (migrate) await migrateToLatest(db);
    const notifications = new PGliteNotifications(client);
    return { db, notifications, async drop() { await notifications.close(); await db.destroy(); } };
  }
  const name = `cb_test_${randomBytes(6).toString('hex')}`;
  const template = migrate ? inject('postgresTemplate') || undefined : undefined;
  await createServerDatabase(name, template);
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  const db = kyselyOverPostgres(url.toString());
  if (migrate) await migrateToLatest(db);
  const notifications = new PgNotifications(url.toString(), { minBackoffMs: 20, maxBackoffMs: 500 });
  return {
    db, url: url.toString(), notifications,
    async drop() {
      await notifications.close();
      await db.destroy();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
