import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { ProgrammeEnrolmentsTable, ProgrammeVersionsTable } from '../db/tables/qualifications.js';

export type ProgrammeVersionRow = Selectable<ProgrammeVersionsTable>;
export type EnrolmentRow = Selectable<ProgrammeEnrolmentsTable>;

const ENROLMENT_COLUMNS = ['learner_id', 'programme_id', 'version', 'enrolled_by', 'enrolled_at'] as const;
const COLUMNS = ['programme_id', 'version', 'seq', 'awarding_institution', 'name_en', 'document', 'mapping', 'digest', 'origin', 'created_by', 'created_at'] as const;

export function findVersion(db: Executor, programmeId: string, version: string): Promise<ProgrammeVersionRow | undefined> {
  return db.selectFrom('programme_versions').select(COLUMNS).where('programme_id', '=', programmeId).where('version', '=', version).executeTakeFirst();
}

export function versionsOf(db: Executor, programmeId: string): Promise<ProgrammeVersionRow[]> {
  return db.selectFrom('programme_versions').select(COLUMNS).where('programme_id', '=', programmeId).orderBy('seq').execute();
}

export function latestVersion(db: Executor, programmeId: string): Promise<ProgrammeVersionRow | undefined> {
  return db.selectFrom('programme_versions').select(COLUMNS).where('programme_id', '=', programmeId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** The latest version of every programme, optionally of one awarding institution. */
export function latestVersions(db: Executor, awarding?: string): Promise<ProgrammeVersionRow[]> {
  let q = db.selectFrom('programme_versions as p').select(COLUMNS.map((c) => `p.${c}` as const))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('programme_versions as n').select('n.seq')
      .whereRef('n.programme_id', '=', 'p.programme_id').whereRef('n.seq', '>', 'p.seq'))));
  if (awarding !== undefined) q = q.where('p.awarding_institution', '=', awarding);
  return q.orderBy('p.programme_id').execute() as Promise<ProgrammeVersionRow[]>;
}

/** Inserts the next version; undefined when the (programme, version) or seq slot was taken concurrently. */
export async function insertVersion(db: Executor, row: Insertable<ProgrammeVersionsTable>): Promise<boolean> {
  const res = await db.insertInto('programme_versions').values(row).onConflict((c) => c.doNothing()).returning('seq').executeTakeFirst();
  return res !== undefined;
}

export function findEnrolment(db: Executor, learnerId: string, programmeId: string): Promise<EnrolmentRow | undefined> {
  return db.selectFrom('programme_enrolments').select(ENROLMENT_COLUMNS).where('learner_id', '=', learnerId).where('programme_id', '=', programmeId).executeTakeFirst();
}

export function enrolmentsOf(db: Executor, learnerId: string): Promise<EnrolmentRow[]> {
  return db.selectFrom('programme_enrolments').select(ENROLMENT_COLUMNS).where('learner_id', '=', learnerId).orderBy('programme_id').execute();
}

export async function upsertEnrolment(db: Executor, row: Insertable<ProgrammeEnrolmentsTable>): Promise<EnrolmentRow> {
  return db.insertInto('programme_enrolments').values(row)
    .onConflict((c) => c.columns(['learner_id', 'programme_id']).doUpdateSet({ version: row.version, enrolled_by: row.enrolled_by, enrolled_at: row.enrolled_at }))
    .returning(ENROLMENT_COLUMNS).executeTakeFirstOrThrow();
}
