import type { Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * A replayed Idempotency-Key response carries the headers that are part of the answer (Location of
 * what was created, Content-Type), not only its status and body. Null for rows stored before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('response_headers', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('response_headers').execute();
}
