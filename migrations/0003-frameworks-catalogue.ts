import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per (framework or ISCED-F) version: the validated document as loaded. Loading a new
  // version adds a row and keeps the old, so records and rules stay tied to their version.
  await db.schema.createTable('framework_versions')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('framework_versions_pk', ['id', 'version'])
    .execute();

  // Credit systems, grading schemes, grade conversions, level mappings and referencing studies:
  // immutable once loaded (same key + other content is refused), so a key names one meaning forever.
  await db.schema.createTable('framework_entries')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('framework_entries_pk', ['kind', 'key'])
    .execute();

  // Reference table: one row per VERSION of a catalogue item; never updated except retirement.
  await db.schema.createTable('catalogue_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('institution_id', 'uuid', (c) => c.notNull().references('institutions.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title_zh', 'text')
    .addColumn('title_en', 'text')
    .addColumn('framework_id', 'text')
    .addColumn('framework_version', 'text')
    .addColumn('level', 'integer')
    .addColumn('credit_system_id', 'text')
    .addColumn('credits', sql`numeric(10,2)`)
    .addColumn('notional_hours', sql`numeric(10,1)`)
    .addColumn('isced_code', 'text')
    .addColumn('outcomes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('language', 'text')
    .addColumn('mode', 'text')
    .addColumn('grading_scheme_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text')
    .addColumn('completion_rule', 'jsonb')
    .addColumn('components', 'jsonb')
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('effective_to', 'date')
    .addColumn('retired_at', 'timestamptz')
    .addColumn('retired_reason', 'text')
    // Canonical hash of the published content: re-publishing the same version is a no-op.
    .addColumn('content_hash', 'text', (c) => c.notNull())
    // Normalised "code␁title_zh␁title_en" and its character unigrams+bigrams, for substring
    // search that works for Chinese (GIN over text[] needs no extension on PGlite or PostgreSQL).
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('search_grams', sql`text[]`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('catalogue_items_title_ck', sql`title_zh is not null or title_en is not null`)
    .addCheckConstraint('catalogue_items_level_ck', sql`(framework_id is null) = (framework_version is null) and (framework_id is null) = (level is null)`)
    .addCheckConstraint('catalogue_items_version_ck', sql`version >= 1`)
    .execute();
  await db.schema.createIndex('catalogue_items_natural_uq').on('catalogue_items')
    .columns(['institution_id', 'code', 'version']).unique().execute();
  await db.schema.createIndex('catalogue_items_code_idx').on('catalogue_items').columns(['code', 'id']).execute();
  await db.schema.createIndex('catalogue_items_level_idx').on('catalogue_items').columns(['framework_id', 'level']).execute();
  await sql`create index catalogue_items_isced_idx on catalogue_items (isced_code text_pattern_ops)`.execute(db);
  await sql`create index catalogue_items_grams_idx on catalogue_items using gin (search_grams)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('catalogue_items').execute();
  await db.schema.dropTable('framework_entries').execute();
  await db.schema.dropTable('framework_versions').execute();
}
