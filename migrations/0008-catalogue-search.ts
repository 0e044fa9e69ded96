import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

// The catalogue listing shows, by default, the latest version of each code that is not retired,
// in (code, id) order. Deciding "latest" with a NOT EXISTS per row made every broad query fetch
// and sort all its matches; a marker maintained on publish lets ordered partial indexes answer a
// page by reading the first rows in index order and stopping.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table catalogue_items add column is_latest boolean not null default false`.execute(db);
  await sql`update catalogue_items c set is_latest = true where not exists (
    select 1 from catalogue_items n where n.institution_id = c.institution_id and n.code = c.code and n.version > c.version)`.execute(db);
  // One latest version per code: a publish that forgot to clear the previous marker fails loudly.
  await sql`create unique index catalogue_items_latest_uq on catalogue_items (institution_id, code) where is_latest`.execute(db);
  await sql`create index catalogue_items_current_code_idx on catalogue_items (code, id) where is_latest and retired_at is null`.execute(db);
  await sql`create index catalogue_items_current_level_idx on catalogue_items (framework_id, level, code, id) where is_latest and retired_at is null`.execute(db);
  await sql`create index catalogue_items_current_kind_idx on catalogue_items (kind, code, id) where is_latest and retired_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['catalogue_items_current_kind_idx', 'catalogue_items_current_level_idx', 'catalogue_items_current_code_idx', 'catalogue_items_latest_uq']) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db);
  }
  await sql`alter table catalogue_items drop column is_latest`.execute(db);
}
