import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('institutions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name_zh', 'text')
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text')
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('uscc', 'text', (c) => c.unique())
    .addColumn('did', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.createTable('api_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('institution_id', 'uuid', (c) => c.references('institutions.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_clients_institution_idx').on('api_clients').column('institution_id').execute();

  // Learner-scoped tables carry learner_id, the future distribution column.
  await db.schema.createTable('learners')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('identity_type', 'text', (c) => c.notNull())
    .addColumn('identity_hmac', 'text', (c) => c.notNull())
    .addColumn('identity_ciphertext', 'text', (c) => c.notNull())
    .addColumn('identity_masked', 'text', (c) => c.notNull())
    .addColumn('identity_country', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_latin', 'text')
    .addColumn('birth_date', 'date')
    .addColumn('did', 'text')
    .addColumn('subject_salt', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One person, one account. Under Citus this becomes a reference lookup table keyed by the HMAC.
  await db.schema.createIndex('learners_identity_uq').on('learners').column('identity_hmac').unique().execute();

  await db.schema.createTable('learner_logins')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('learner_id', 'uuid', (c) => c.notNull().references('learners.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('learner_logins_pk', ['issuer', 'subject'])
    .execute();

  await db.schema.createTable('keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('retired_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revocation_reason', 'text')
    .execute();
  await db.schema.createIndex('keys_owner_idx').on('keys').columns(['owner', 'purpose', 'status']).execute();

  await db.schema.createTable('audit_trail')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('principal_kind', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('institution_id', 'uuid')
    .addColumn('learner_id', 'uuid')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('detail', 'jsonb')
    .execute();
  await db.schema.createIndex('audit_trail_resource_idx').on('audit_trail').columns(['resource_type', 'resource_id']).execute();

  await db.schema.createTable('idempotency_keys')
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal_id', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['idempotency_keys', 'audit_trail', 'keys', 'learner_logins', 'learners', 'api_clients', 'institutions']) {
    await db.schema.dropTable(table).execute();
  }
}
