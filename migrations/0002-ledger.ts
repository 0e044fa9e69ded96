import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Appended in the same transaction as the change it records. leaf_index is assigned later, in
  // commit order, by the single tree integrator, so the Merkle tree never has holes.
  await db.schema.createTable('ledger_entries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('learner_id', 'uuid')
    .addColumn('subject_ref', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('body_digest', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('leaf_index', 'bigint', (c) => c.unique())
    // RFC 9162 leaf hash, stored with the entry when it is integrated (level 0 of the tree).
    .addColumn('leaf_hash', 'bytea')
    .execute();
  await db.schema.createIndex('ledger_entries_learner_idx').on('ledger_entries').column('learner_id').execute();
  await db.schema.createIndex('ledger_entries_resource_idx').on('ledger_entries').columns(['resource_type', 'resource_id']).execute();
  await sql`create index ledger_entries_pending_idx on ledger_entries (id) where leaf_index is null`.execute(db);

  // Hashes of perfect subtrees only: (level, idx) covers leaves [idx·2^level, (idx+1)·2^level).
  await db.schema.createTable('ledger_nodes')
    .addColumn('level', 'smallint', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_nodes_pk', ['level', 'idx'])
    .execute();

  // Keyed by a serial id, not by size: the honest integrator signs one head per size, but a forked
  // head (a second signed head of a size, with another root) must be storable so that it is
  // published and an auditor can catch it, rather than silently replacing the first.
  await db.schema.createTable('ledger_tree_heads')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tree_size', 'bigint', (c) => c.notNull())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'timestamptz', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_tree_heads_size_idx').on('ledger_tree_heads').column('tree_size').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ledger_tree_heads', 'ledger_nodes', 'ledger_entries']) {
    await db.schema.dropTable(table).execute();
  }
}
