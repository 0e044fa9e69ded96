import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function check(result: MigrationResultSet): void {
  if (result.error) throw new Error('migration failed', { cause: result.error });
}

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  check(await migrator(db).migrateToLatest());
}

/** Runs every migration down, in reverse order. */
export async function migrateAllDown(db: Kysely<any>): Promise<void> {
  const m = migrator(db);
  for (;;) {
    const result = await m.migrateDown();
    check(result);
    if (!result.results || result.results.length === 0) return;
  }
}

/** True when every known migration has been applied (used by GET /ready). */
export async function migrationsCurrent(db: Kysely<any>): Promise<boolean> {
  const infos = await migrator(db).getMigrations();
  return infos.every((m) => m.executedAt !== undefined);
}
