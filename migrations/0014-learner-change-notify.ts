import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * Every change to a learner row is announced on the `learner_changed` channel with the learner's
 * id, so each service instance can drop its cached copy. pg_notify is transactional: listeners hear
 * of a change only once it has committed, and never of one that rolled back. A TRUNCATE is announced
 * with an empty payload, meaning "forget every learner".
 *
 * Only the learners table feeds the learner view (name, masked identity, DID, created_at); logins
 * and other learner-scoped tables are not cached, so they need no trigger.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function learners_notify_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'TRUNCATE' then
        perform pg_notify('learner_changed', '');
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        perform pg_notify('learner_changed', old.id::text);
      end if;
      if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.id is distinct from old.id) then
        perform pg_notify('learner_changed', new.id::text);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger learners_notify_change after insert or update or delete on learners
    for each row execute function learners_notify_change()`.execute(db);
  await sql`create trigger learners_notify_truncate after truncate on learners
    for each statement execute function learners_notify_change()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger learners_notify_truncate on learners`.execute(db);
  await sql`drop trigger learners_notify_change on learners`.execute(db);
  await sql`drop function learners_notify_change()`.execute(db);
}
