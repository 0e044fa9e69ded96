import type { Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/** An institution lists the recognition requests addressed to it, newest first. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('recognition_requests_target_idx').on('recognition_requests').columns(['target_institution_id', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('recognition_requests_target_idx').execute();
}
