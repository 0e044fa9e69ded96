import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * Every committed change to signing keys (created, rotated, retired, revoked) or to institutions
 * (the issuers) is announced on the `issuer_changed` channel with an empty payload, meaning "forget
 * every cached key and DID document", so each service instance stops signing with, and stops
 * accepting, a key revoked on another instance at once instead of after a time limit. Both tables
 * change rarely (operator and key-administration actions): one statement-level notification each.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function issuers_notify_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('issuer_changed', '');
      return null;
    end $$`.execute(db);
  for (const table of ['keys', 'institutions']) {
    await sql`create trigger ${sql.raw(`${table}_notify_issuer_change`)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function issuers_notify_change()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['keys', 'institutions']) await sql`drop trigger ${sql.raw(`${table}_notify_issuer_change`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function issuers_notify_change()`.execute(db);
}
