import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

const APPEND_ONLY = ['recognition_rules', 'recognition_decisions'];

async function referenceTables(db: Kysely<unknown>): Promise<void> {
  // One row per rule VERSION (reference table): a new version supersedes, nothing is edited.
  await db.schema.createTable('recognition_rules')
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('owner_kind', 'text', (c) => c.notNull().check(sql`owner_kind in ('institution', 'agreement')`))
    .addColumn('owner_id', 'uuid', (c) => c.notNull())
    .addColumn('target_institution_id', 'uuid', (c) => c.notNull().references('institutions.id'))
    .addColumn('programme_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('equivalency', 'block', 'conversion', 'caps')`))
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('effective_to', 'date')
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('supersedes', 'integer')
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('recognition_rules_pk', ['id', 'version'])
    .addUniqueConstraint('recognition_rules_supersedes_uq', ['id', 'supersedes'])
    .execute();
  await db.schema.createIndex('recognition_rules_target_idx').on('recognition_rules').columns(['target_institution_id', 'published_at']).execute();
  await db.schema.createIndex('recognition_rules_owner_idx').on('recognition_rules').columns(['owner_id']).execute();

  await db.schema.createTable('recognition_agreements')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('bilateral', 'regional', 'international')`))
    .addColumn('name_zh', 'text')
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('effective_to', 'date')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    // Bumped on every membership change: evaluation caches compare it to know when to reload.
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // One row per membership period: leaving sets left_on once; joining again adds a row.
  await db.schema.createTable('recognition_agreement_parties')
    .addColumn('agreement_id', 'uuid', (c) => c.notNull().references('recognition_agreements.id'))
    .addColumn('institution_id', 'uuid', (c) => c.notNull().references('institutions.id'))
    .addColumn('joined_on', 'date', (c) => c.notNull())
    .addColumn('left_on', 'date')
    .addPrimaryKeyConstraint('recognition_agreement_parties_pk', ['agreement_id', 'institution_id', 'joined_on'])
    .execute();
}

async function learnerTables(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('recognition_requests')
    .addColumn('learner_id', 'uuid', (c) => c.notNull().references('learners.id'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('target_institution_id', 'uuid', (c) => c.notNull().references('institutions.id'))
    .addColumn('programme_id', 'text')
    .addColumn('evaluated_on', 'date', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('recognition_requests_pk', ['learner_id', 'id'])
    .execute();
  await db.schema.createIndex('recognition_requests_id_idx').on('recognition_requests').column('id').execute();

  await db.schema.createTable('recognition_items')
    .addColumn('learner_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('request_id', 'uuid', (c) => c.notNull())
    .addColumn('target_institution_id', 'uuid', (c) => c.notNull())
    .addColumn('achievement_id', 'uuid', (c) => c.notNull())
    // queued → decided; appealed → decided again. The outcome lives in decisions.
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'decided', 'appealed')`))
    .addColumn('evaluation', 'jsonb', (c) => c.notNull())
    .addColumn('queued_at', 'timestamptz')
    .addPrimaryKeyConstraint('recognition_items_pk', ['learner_id', 'id'])
    .addUniqueConstraint('recognition_items_achievement_uq', ['learner_id', 'request_id', 'achievement_id'])
    .addForeignKeyConstraint('recognition_items_request_fk', ['learner_id', 'request_id'], 'recognition_requests', ['learner_id', 'id'])
    .execute();
  // The institution's review queue (a fan-out read under Citus, as any institution-wide view).
  await db.schema.createIndex('recognition_items_queue_idx').on('recognition_items').columns(['target_institution_id', 'status', 'queued_at']).execute();

  await db.schema.createTable('recognition_decisions')
    .addColumn('learner_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('item_id', 'uuid', (c) => c.notNull())
    .addColumn('request_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('automatic', 'review', 'appeal', 're-evaluation')`))
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('approve', 'partial', 'reject')`))
    .addColumn('credits', sql`numeric(10,2)`, (c) => c.notNull().check(sql`credits >= 0`))
    .addColumn('grants', 'jsonb', (c) => c.notNull())
    .addColumn('rule_versions', 'jsonb', (c) => c.notNull())
    .addColumn('reviewer', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ledger_entry_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('recognition_decisions_pk', ['learner_id', 'id'])
    .execute();
  await db.schema.createIndex('recognition_decisions_item_idx').on('recognition_decisions').columns(['learner_id', 'item_id', 'decided_at']).execute();

  // Once per item: the unique key is the rule.
  await db.schema.createTable('recognition_appeals')
    .addColumn('learner_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('item_id', 'uuid', (c) => c.notNull())
    .addColumn('request_id', 'uuid', (c) => c.notNull())
    .addColumn('appealed_decision_id', 'uuid', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('filed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decision_id', 'uuid')
    .addPrimaryKeyConstraint('recognition_appeals_pk', ['learner_id', 'id'])
    .addUniqueConstraint('recognition_appeals_item_uq', ['learner_id', 'item_id'])
    .execute();
}

async function creditTables(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('recognised_credits')
    .addColumn('learner_id', 'uuid', (c) => c.notNull().references('learners.id'))
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('decision_id', 'uuid', (c) => c.notNull())
    .addColumn('item_id', 'uuid', (c) => c.notNull())
    .addColumn('target_institution_id', 'uuid', (c) => c.notNull())
    .addColumn('programme_id', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('credits', sql`numeric(10,2)`, (c) => c.notNull().check(sql`credits >= 0`))
    .addColumn('target_item_id', 'text')
    .addColumn('source_achievement_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('source_institution_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('rule_id', 'uuid')
    .addColumn('rule_version', 'integer')
    .addColumn('recognised_on', 'date', (c) => c.notNull())
    .addColumn('granted_entry_id', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_reason', 'text')
    .addColumn('revoked_entry_id', 'bigint')
    .addPrimaryKeyConstraint('recognised_credits_pk', ['learner_id', 'id'])
    .execute();
  await sql`create index recognised_credits_sources_idx on recognised_credits using gin (source_achievement_ids)`.execute(db);
  await db.schema.createIndex('recognised_credits_target_idx').on('recognised_credits').columns(['learner_id', 'target_institution_id']).execute();

  await db.schema.createTable('recognition_notices')
    .addColumn('learner_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('institution_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('recognition_notices_pk', ['learner_id', 'id'])
    .execute();
  await db.schema.createIndex('recognition_notices_institution_idx').on('recognition_notices').columns(['institution_id', 'created_at']).execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await referenceTables(db);
  await learnerTables(db);
  await creditTables(db);
  // Rules and decisions are history: the database refuses to rewrite them.
  await sql`create function recognition_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'recognition history is append-only: % on % is not allowed', tg_op, tg_table_name
        using errcode = 'restrict_violation';
    end $$`.execute(db);
  for (const table of APPEND_ONLY) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function recognition_append_only()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['recognition_notices', 'recognised_credits', 'recognition_appeals', 'recognition_decisions',
    'recognition_items', 'recognition_requests', 'recognition_agreement_parties', 'recognition_agreements', 'recognition_rules']) {
    await db.schema.dropTable(t).execute();
  }
  await sql`drop function recognition_append_only()`.execute(db);
}
