import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

const APPEND_ONLY = ['achievement_keys', 'achievements', 'achievement_versions'];

export async function up(db: Kysely<unknown>): Promise<void> {
  // The natural key (depositing institution + its external id) is unique across the whole bank, but
  // it does not contain learner_id. Under Citus this small table is distributed on institution_id
  // (or kept as a lookup table): a deposit then touches two shards in one 2PC transaction, the price
  // of "never a duplicate". Everything else below is distributed and co-located on learner_id.
  await db.schema.createTable('achievement_keys')
    .addColumn('institution_id', 'uuid', (c) => c.notNull().references('institutions.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('learner_id', 'uuid', (c) => c.notNull())
    .addColumn('achievement_id', 'uuid', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('achievement_keys_pk', ['institution_id', 'external_id'])
    .execute();

  // Stable identity of an achievement; its content lives in versions.
  await db.schema.createTable('achievements')
    .addColumn('learner_id', 'uuid', (c) => c.notNull().references('learners.id'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('institution_id', 'uuid', (c) => c.notNull().references('institutions.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('achievements_pk', ['learner_id', 'id'])
    .addUniqueConstraint('achievements_natural_uq', ['learner_id', 'institution_id', 'external_id'])
    .execute();
  // /achievements/{id} routes find the learner from the id (a fan-out lookup under Citus).
  await db.schema.createIndex('achievements_id_idx').on('achievements').column('id').execute();

  await db.schema.createTable('achievement_versions')
    .addColumn('learner_id', 'uuid', (c) => c.notNull())
    .addColumn('achievement_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('deposit', 'correction', 'revocation')`))
    .addColumn('supersedes', 'integer')
    .addColumn('catalogue_item_id', 'uuid', (c) => c.references('catalogue_items.id'))
    .addColumn('learning', 'jsonb')
    .addColumn('result', 'text')
    .addColumn('credits', sql`numeric(10,2)`, (c) => c.check(sql`credits >= 0`))
    .addColumn('credit_system_id', 'text')
    .addColumn('completed_on', 'date')
    .addColumn('term', 'text')
    .addColumn('assessment_mode', 'text')
    .addColumn('evidence_url', 'text')
    .addColumn('evidence_sha256', 'text')
    .addColumn('reason', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ledger_entry_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('achievement_versions_pk', ['learner_id', 'achievement_id', 'version'])
    // One successor per version: two racing corrections of the same version cannot both land.
    .addUniqueConstraint('achievement_versions_supersedes_uq', ['learner_id', 'achievement_id', 'supersedes'])
    .addForeignKeyConstraint('achievement_versions_achievement_fk', ['learner_id', 'achievement_id'], 'achievements', ['learner_id', 'id'])
    .execute();

  // The record is append-only: corrections and revocations are new versions. The trigger makes
  // that a property of the database, not of the code that happens to be calling it.
  await sql`create function records_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the learning record is append-only: % on % is not allowed', tg_op, tg_table_name
        using errcode = 'restrict_violation';
    end $$`.execute(db);
  for (const table of APPEND_ONLY) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function records_append_only()`.execute(db);
  }

  // Share grants: a learner lets anyone holding the link see part of the record.
  await db.schema.createTable('record_shares')
    .addColumn('learner_id', 'uuid', (c) => c.notNull().references('learners.id'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('whole_record', 'boolean', (c) => c.notNull())
    .addColumn('achievement_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('recipient_name', 'text')
    .addColumn('recipient_institution_id', 'uuid', (c) => c.references('institutions.id'))
    .addColumn('purpose', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addPrimaryKeyConstraint('record_shares_pk', ['learner_id', 'id'])
    .execute();
  // The public link carries no learner id; under Citus this becomes a lookup table token_hash → learner_id.
  await db.schema.createIndex('record_shares_token_uq').on('record_shares').column('token_hash').unique().execute();
  await db.schema.createIndex('record_shares_recipient_idx').on('record_shares').columns(['recipient_institution_id', 'learner_id']).execute();

  await db.schema.createTable('record_share_accesses')
    .addColumn('learner_id', 'uuid', (c) => c.notNull())
    .addColumn('share_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'bigserial', (c) => c.notNull())
    .addColumn('accessed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('ip_hash', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('recipient_name', 'text')
    .addPrimaryKeyConstraint('record_share_accesses_pk', ['learner_id', 'share_id', 'id'])
    .addForeignKeyConstraint('record_share_accesses_share_fk', ['learner_id', 'share_id'], 'record_shares', ['learner_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['record_share_accesses', 'record_shares', 'achievement_versions', 'achievements', 'achievement_keys']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function records_append_only()`.execute(db);
}
