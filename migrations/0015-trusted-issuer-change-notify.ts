import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * Every committed change to the trust list (an entry added, or marked removed) is announced on the
 * `trusted_issuer_changed` channel with an empty payload, meaning "forget every cached look-up", so
 * each service instance drops its cached trust decisions at once instead of after a time limit.
 * The list changes rarely (operator actions), so one statement-level notification is enough.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function trusted_issuers_notify_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('trusted_issuer_changed', '');
      return null;
    end $$`.execute(db);
  await sql`create trigger trusted_issuers_notify_change after insert or update or delete or truncate on trusted_issuers
    for each statement execute function trusted_issuers_notify_change()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger trusted_issuers_notify_change on trusted_issuers`.execute(db);
  await sql`drop function trusted_issuers_notify_change()`.execute(db);
}
