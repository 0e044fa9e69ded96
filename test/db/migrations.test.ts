import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAllDown, migrateToLatest, migrationsCurrent } from '../../src/db/migrate.js';
import { migrations } from '../../migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

let database: TestDatabase;
beforeAll(async () => { database = await createTestDatabase({ migrate: false }); });
afterAll(async () => database.drop());

async function tables(): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_name not like 'kysely_%' order by table_name`.execute(database.db);
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  it('run up, all the way down, and up again to the same schema', async () => {
    await migrateToLatest(database.db);
    expect(await migrationsCurrent(database.db)).toBe(true);
    const first = await tables();
    expect(first).toContain('learners');
    await migrateAllDown(database.db);
    expect(await tables()).toEqual([]);
    expect(await migrationsCurrent(database.db)).toBe(Object.keys(migrations).length === 0);
    await migrateToLatest(database.db);
    expect(await tables()).toEqual(first);
  });

  it('are named in order with a four-digit number', () => {
    const names = Object.keys(migrations);
    expect(names).toEqual([...names].sort());
    for (const n of names) expect(n).toMatch(/^\d{4}-[a-z0-9-]+$/);
  });
});
