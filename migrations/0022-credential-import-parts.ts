import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * A CLR 2.0 transcript imported by a learner (from a peer credit bank, say) is kept whole, and each
 * achievement credential it bundles becomes an import of its own that names the CLR it came from, so
 * that each can be chosen for recognition like any other import.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('credential_imports').addColumn('part_of', 'uuid').execute();
  await db.schema.createIndex('credential_imports_parts_idx').on('credential_imports').columns(['learner_id', 'part_of'])
    .where(sql.ref('part_of'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('credential_imports_parts_idx').execute();
  await db.schema.alterTable('credential_imports').dropColumn('part_of').execute();
}
