import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * Recognition may rest on a credential the learner imported (verified, from a trusted issuer), not
 * only on a deposited achievement:
 * 1. A request item says what its `achievement_id` names: a deposited achievement ('achievement',
 *    every existing row) or a credential import ('import').
 * 2. A recognised credit names the imports it rests on beside its source achievements, so the
 *    record links it to the import and "never the same import twice at one target" is one indexed
 *    look-up, and the trust-list entries of their external issuers (an external issuer is not an
 *    institution of the bank, so not in source_institution_ids; a cap per source counts it here).
 *    Imports are never deleted, and removing an issuer from the trust list is not retroactive, so
 *    nothing here needs to follow an import's later life.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table recognition_items add column source_kind text not null default 'achievement'
    constraint recognition_items_source_kind_ck check (source_kind in ('achievement', 'import'))`.execute(db);
  await sql`alter table recognised_credits add column source_import_ids uuid[] not null default '{}'`.execute(db);
  await sql`alter table recognised_credits add column source_trust_entry_ids uuid[] not null default '{}'`.execute(db);
  await sql`create index recognised_credits_import_sources_idx on recognised_credits using gin (source_import_ids)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index recognised_credits_import_sources_idx`.execute(db);
  await sql`alter table recognised_credits drop column source_trust_entry_ids`.execute(db);
  await sql`alter table recognised_credits drop column source_import_ids`.execute(db);
  await sql`alter table recognition_items drop column source_kind`.execute(db);
}
