import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * Awards are history like recognition decisions. The award service changes an award row in two
 * ways only: it records the issued credential once (credential_id null → an id) and it marks a
 * rescission once (status 'awarded' → 'rescinded', the reason being its own award_rescissions
 * row). Every other update, and every delete, is refused; rescissions are never changed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function awards_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE'
        and (to_jsonb(new) - 'credential_id' - 'status') = (to_jsonb(old) - 'credential_id' - 'status')
        and (new.credential_id is not distinct from old.credential_id or old.credential_id is null)
        and (new.status = old.status or (old.status = 'awarded' and new.status = 'rescinded')) then
        return new;
      end if;
      raise exception 'awards are append-only: % on % is not allowed', tg_op, tg_table_name
        using errcode = 'restrict_violation';
    end $$`.execute(db);
  await sql`create trigger awards_append_only before update or delete on awards
    for each row execute function awards_append_only()`.execute(db);
  await sql`create function award_rescissions_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'award rescissions are append-only: % on % is not allowed', tg_op, tg_table_name
        using errcode = 'restrict_violation';
    end $$`.execute(db);
  await sql`create trigger award_rescissions_append_only before update or delete on award_rescissions
    for each row execute function award_rescissions_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger award_rescissions_append_only on award_rescissions`.execute(db);
  await sql`drop function award_rescissions_append_only()`.execute(db);
  await sql`drop trigger awards_append_only on awards`.execute(db);
  await sql`drop function awards_append_only()`.execute(db);
}
