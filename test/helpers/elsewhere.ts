import { sql } from 'kysely';
import pg from 'pg';
import type { TestApp } from './test-app.js';
import { onPostgres } from './test-db.js';

/**
 * SQL from outside a service instance: on PostgreSQL another connection (as another service
 * instance's write would be); PGlite has only one connection, so there it is plain SQL past the
 * service (parameters inlined as quoted literals).
 */
export async function elsewhere(t: TestApp, query: string, params: unknown[]): Promise<void> {
  if (!onPostgres) {
    await sql.raw(query.replace(/\$(\d)/g, (_, i: string) => `'${String(params[Number(i) - 1]).replace(/'/g, "''")}'`)).execute(t.ctx.db);
    return;
  }
  const other = new pg.Client({ connectionString: t.database.url });
  await other.connect();
  try {
    await other.query(query, params);
  } finally {
    await other.end();
  }
}
