import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per issued credential. learner_id leads the keys (future distribution column); it is
  // null only for VC-API issuance whose subject is not a learner of the bank.
  await db.schema.createTable('credentials')
    .addColumn('learner_id', 'uuid')
    .addColumn('id', 'uuid', (c) => c.notNull().unique())
    .addColumn('issuer_ref', 'text', (c) => c.notNull())
    .addColumn('issuer_did', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('issuance_key', 'text', (c) => c.notNull())
    .addColumn('document', 'jsonb')
    .addColumn('jwt', 'text')
    .addColumn('source_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('status_reason', 'text')
    .addColumn('revocation_list_id', 'uuid', (c) => c.notNull())
    .addColumn('revocation_index', 'integer', (c) => c.notNull())
    .addColumn('suspension_list_id', 'uuid')
    .addColumn('suspension_index', 'integer')
    .addColumn('valid_from', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_until', 'timestamptz')
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Idempotent issuance: same learner + achievement (issuance key) + format gives the same credential.
  await sql`create unique index credentials_issuance_uq on credentials (learner_id, issuer_ref, issuance_key, format) nulls not distinct`.execute(db);
  await sql`create index credentials_learner_idx on credentials (learner_id, issued_at)`.execute(db);
  await sql`create index credentials_sources_idx on credentials using gin (source_ids)`.execute(db);

  // Bitstring status lists: the bits live in one bytea; a single UPDATE with set_bit changes one bit
  // under the row lock, so concurrent revocations serialise and none is lost.
  await db.schema.createTable('status_lists')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('issuer_ref', 'text', (c) => c.notNull())
    .addColumn('issuer_did', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('allocated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bits', 'bytea', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('signed_version', 'bigint')
    .addColumn('signed', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('status_lists_issuer_idx').on('status_lists').columns(['issuer_ref', 'purpose', 'created_at']).execute();

  // Credentials a learner brought from elsewhere, kept verbatim as evidence.
  await db.schema.createTable('credential_imports')
    .addColumn('learner_id', 'uuid', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('verification', 'text', (c) => c.notNull())
    .addColumn('verified', 'boolean', (c) => c.notNull())
    .addColumn('trusted_issuer', 'boolean', (c) => c.notNull())
    .addColumn('issuer', 'text')
    .addColumn('name', 'text')
    .addColumn('original', 'text', (c) => c.notNull())
    .addColumn('checks', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('credential_imports_pk', ['learner_id', 'id'])
    .addUniqueConstraint('credential_imports_digest_uq', ['learner_id', 'digest'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['credential_imports', 'status_lists', 'credentials']) await db.schema.dropTable(table).execute();
}
