import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * Learner-scoped: a waiver the awarding institution (or an operator) grants a learner for one
 * requirement of one programme version. A row is history: it is never deleted, and its only
 * change is a revocation, recorded once (revoked_at, revoked_by, revocation_reason and the entry
 * that logged it, all together). At most one live waiver per learner, programme version and
 * requirement: a concurrent duplicate grant loses on the partial unique index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('requirement_waivers')
    .addColumn('learner_id', 'uuid', (c) => c.notNull().references('learners.id'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('programme_id', 'text', (c) => c.notNull())
    .addColumn('programme_version', 'text', (c) => c.notNull())
    .addColumn('requirement_id', 'text', (c) => c.notNull())
    .addColumn('institution_id', 'uuid', (c) => c.notNull().references('institutions.id'))
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`btrim(reason) <> ''`))
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ledger_entry_id', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'text')
    .addColumn('revocation_reason', 'text')
    .addColumn('revoked_entry_id', 'bigint')
    .addPrimaryKeyConstraint('requirement_waivers_pk', ['learner_id', 'id'])
    .addForeignKeyConstraint('requirement_waivers_programme_fk', ['programme_id', 'programme_version'], 'programme_versions', ['programme_id', 'version'])
    .addCheckConstraint('requirement_waivers_revocation_ck', sql`
      (revoked_at is null and revoked_by is null and revocation_reason is null and revoked_entry_id is null)
      or (revoked_at is not null and revoked_by is not null and revoked_entry_id is not null and btrim(coalesce(revocation_reason, '')) <> '')`)
    .execute();
  await sql`create unique index requirement_waivers_live_uq on requirement_waivers (learner_id, programme_id, programme_version, requirement_id)
    where revoked_at is null`.execute(db);
  await db.schema.createIndex('requirement_waivers_programme_idx').on('requirement_waivers').columns(['learner_id', 'programme_id']).execute();

  // Append-only like awards (0009): only the one revocation may be added to a live row.
  await sql`create function requirement_waivers_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.revoked_at is null and new.revoked_at is not null
        and (to_jsonb(new) - 'revoked_at' - 'revoked_by' - 'revocation_reason' - 'revoked_entry_id')
          = (to_jsonb(old) - 'revoked_at' - 'revoked_by' - 'revocation_reason' - 'revoked_entry_id') then
        return new;
      end if;
      raise exception 'requirement waivers are append-only: % on % is not allowed', tg_op, tg_table_name
        using errcode = 'restrict_violation';
    end $$`.execute(db);
  await sql`create trigger requirement_waivers_append_only before update or delete on requirement_waivers
    for each row execute function requirement_waivers_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger requirement_waivers_append_only on requirement_waivers`.execute(db);
  await sql`drop function requirement_waivers_append_only()`.execute(db);
  await db.schema.dropTable('requirement_waivers').execute();
}
