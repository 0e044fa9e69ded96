import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * The bank's trust list of external issuers (credentials imported from elsewhere count for
 * recognition only when their issuer is on it). Each entry keeps the key material verification
 * needs offline: a DID document for a DID issuer, Open Badges 2.0 CryptographicKeys for an issuer
 * URL. Entries are never deleted or rewritten: a removal is recorded once on the row (who, when,
 * why), and re-adding an issuer creates a new entry. An import names the entry that made its issuer
 * trusted, so its provenance survives a later removal.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('trusted_issuers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('issuer_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('did', 'url')`))
    .addColumn('name_zh', 'text')
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('did_document', 'jsonb')
    .addColumn('public_keys', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addColumn('removed_at', 'timestamptz')
    .addColumn('removed_by', 'text')
    .addColumn('removal_reason', 'text')
    .addCheckConstraint('trusted_issuers_removal_complete', sql`(removed_at is null) = (removed_by is null) and (removed_at is null) = (removal_reason is null)`)
    .execute();
  // At most one entry in force per issuer; removed entries stay as history.
  await sql`create unique index trusted_issuers_active_uq on trusted_issuers (issuer_id) where removed_at is null`.execute(db);
  await sql`create index trusted_issuers_list_idx on trusted_issuers (added_at, id)`.execute(db);
  await sql`create function trusted_issuers_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.removed_at is null and new.removed_at is not null
        and (to_jsonb(new) - 'removed_at' - 'removed_by' - 'removal_reason') = (to_jsonb(old) - 'removed_at' - 'removed_by' - 'removal_reason') then
        return new;
      end if;
      raise exception 'trusted issuers are append-only: % on % is not allowed', tg_op, tg_table_name
        using errcode = 'restrict_violation';
    end $$`.execute(db);
  await sql`create trigger trusted_issuers_append_only before update or delete on trusted_issuers
    for each row execute function trusted_issuers_append_only()`.execute(db);

  await db.schema.alterTable('credential_imports')
    .addColumn('trust_entry_id', 'uuid', (c) => c.references('trusted_issuers.id'))
    .execute();
  // Keyset pages of a learner's imports, newest first.
  await sql`create index credential_imports_page_idx on credential_imports (learner_id, created_at, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index credential_imports_page_idx`.execute(db);
  await db.schema.alterTable('credential_imports').dropColumn('trust_entry_id').execute();
  await sql`drop trigger trusted_issuers_append_only on trusted_issuers`.execute(db);
  await sql`drop function trusted_issuers_append_only()`.execute(db);
  await db.schema.dropTable('trusted_issuers').execute();
}
