import type { Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * Stored Idempotency-Key requests expire (IDEMPOTENCY_KEY_HOURS) and are purged oldest first: an
 * index on created_at keeps each purge from scanning a table that gains a row per keyed write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created_idx').execute();
}
