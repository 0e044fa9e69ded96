import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/, never edit after merge.

/**
 * 1. An agreement's bidirectional equivalency whose sources all sit at one institution is also read
 *    back at that institution (targets → sources). The evaluator loads a target's rules by an indexed
 *    column, so that institution is stored with the rule version when it is published:
 *    `read_back_institution_id`. Rule versions are append-only; existing rows are filled once
 *    here, with the append-only trigger held off for that one statement.
 * 2. An agreement can be ended as a whole from a date (never retroactively): the date, the reason
 *    and who ended it are kept with the agreement; `effective_to` becomes the last day in force.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table recognition_rules add column read_back_institution_id uuid references institutions (id)`.execute(db);
  await sql`alter table recognition_rules disable trigger recognition_rules_append_only`.execute(db);
  await sql`update recognition_rules set read_back_institution_id = (definition -> 'sources' -> 0 ->> 'institutionId')::uuid
    where kind = 'equivalency' and owner_kind = 'agreement' and definition ->> 'bidirectional' = 'true' and jsonb_array_length(definition -> 'sources') > 0
      and not exists (select 1 from jsonb_array_elements(definition -> 'sources') s
        where s ->> 'institutionId' is distinct from definition -> 'sources' -> 0 ->> 'institutionId')`.execute(db);
  await sql`alter table recognition_rules enable trigger recognition_rules_append_only`.execute(db);
  await sql`create index recognition_rules_read_back_idx on recognition_rules (read_back_institution_id)
    where read_back_institution_id is not null`.execute(db);

  await db.schema.alterTable('recognition_agreements')
    .addColumn('ended_on', 'date')
    .addColumn('end_reason', 'text')
    .addColumn('ended_by', 'text')
    .execute();
  await sql`alter table recognition_agreements add constraint recognition_agreements_end_ck
    check ((ended_on is null) = (end_reason is null) and (ended_on is null) = (ended_by is null))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table recognition_agreements drop constraint recognition_agreements_end_ck`.execute(db);
  await db.schema.alterTable('recognition_agreements').dropColumn('ended_on').dropColumn('end_reason').dropColumn('ended_by').execute();
  await sql`drop index recognition_rules_read_back_idx`.execute(db);
  await sql`alter table recognition_rules drop column read_back_institution_id`.execute(db);
}
