import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Reference table: one row per programme version, never updated. `seq` orders versions by
  // publication, so "a later version" does not depend on how an institution spells versions.
  await db.schema.createTable('programme_versions')
    .addColumn('programme_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('awarding_institution', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('mapping', 'jsonb', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('programme_versions_pk', ['programme_id', 'version'])
    .addUniqueConstraint('programme_versions_seq_uq', ['programme_id', 'seq'])
    .execute();

  // Learner-scoped: the version a learner is audited against by default.
  await db.schema.createTable('programme_enrolments')
    .addColumn('learner_id', 'uuid', (c) => c.notNull().references('learners.id'))
    .addColumn('programme_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('enrolled_by', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('programme_enrolments_pk', ['learner_id', 'programme_id'])
    .execute();

  // Learner-scoped: an award and the audit snapshot it rests on. Never deleted; `status` moves
  // once from 'awarded' to 'rescinded' (the rescission itself is its own row below).
  await db.schema.createTable('awards')
    .addColumn('learner_id', 'uuid', (c) => c.notNull().references('learners.id'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('programme_id', 'text', (c) => c.notNull())
    .addColumn('programme_version', 'text', (c) => c.notNull())
    .addColumn('institution_id', 'uuid', (c) => c.notNull().references('institutions.id'))
    .addColumn('audit_snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('snapshot_digest', 'text', (c) => c.notNull())
    .addColumn('total_credits', sql`numeric(10,2)`, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('awarded', 'rescinded')`))
    .addColumn('credential_id', 'uuid')
    .addColumn('awarded_by', 'text', (c) => c.notNull())
    .addColumn('awarded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ledger_entry_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('awards_pk', ['learner_id', 'id'])
    .addForeignKeyConstraint('awards_programme_fk', ['programme_id', 'programme_version'], 'programme_versions', ['programme_id', 'version'])
    .execute();
  // Natural key: one standing award of a programme per learner (a retried award finds it).
  await sql`create unique index awards_standing_uq on awards (learner_id, programme_id) where status = 'awarded'`.execute(db);
  await db.schema.createIndex('awards_id_idx').on('awards').column('id').execute();

  await db.schema.createTable('award_rescissions')
    .addColumn('learner_id', 'uuid', (c) => c.notNull())
    .addColumn('award_id', 'uuid', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('rescinded_by', 'text', (c) => c.notNull())
    .addColumn('rescinded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ledger_entry_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('award_rescissions_pk', ['learner_id', 'award_id'])
    .addForeignKeyConstraint('award_rescissions_award_fk', ['learner_id', 'award_id'], 'awards', ['learner_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('award_rescissions').execute();
  await db.schema.dropTable('awards').execute();
  await db.schema.dropTable('programme_enrolments').execute();
  await db.schema.dropTable('programme_versions').execute();
}
