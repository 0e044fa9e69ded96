import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createPGlite, kyselyOverPGlite, kyselyOverPostgres } from '../src/db/dialect.js';
import { migrateToLatest } from '../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite data-directory dumps: a fresh cluster, and the same after all migrations. */
    pgliteEmptyDump: string;
    pgliteMigratedDump: string;
    /** PostgreSQL: a migrated database each test file copies with CREATE DATABASE … TEMPLATE. */
    postgresTemplate: string;
  }
}

/**
 * Runs once per `npm test`: builds a migrated template so each test file gets its own database as a
 * copy (PGlite's initdb alone takes seconds; a copy of a dump takes a fraction of that).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `cb_template_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = kyselyOverPostgres(url.toString(), 1);
    await migrateToLatest(db);
    await db.destroy();
    project.provide('postgresTemplate', name);
    project.provide('pgliteEmptyDump', '');
    project.provide('pgliteMigratedDump', '');
    return async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'cb-test-template-'));
  const client = await createPGlite('memory://');
  const empty = join(dir, 'empty.tar');
  writeFileSync(empty, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
  const db = kyselyOverPGlite(client);
  await migrateToLatest(db);
  const migrated = join(dir, 'migrated.tar');
  writeFileSync(migrated, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
  await db.destroy();
  project.provide('pgliteEmptyDump', empty);
  project.provide('pgliteMigratedDump', migrated);
  project.provide('postgresTemplate', '');
  return async () => rmSync(dir, { recursive: true, force: true });
}
