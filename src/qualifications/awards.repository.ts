import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { AwardRescissionsTable, AwardsTable } from '../db/tables/qualifications.js';

export type AwardRow = Omit<Selectable<AwardsTable>, 'ledger_entry_id'> & { ledger_entry_id: number | string };
export type RescissionRow = Selectable<AwardRescissionsTable>;

const COLUMNS = ['learner_id', 'id', 'programme_id', 'programme_version', 'institution_id', 'audit_snapshot', 'snapshot_digest',
  'status', 'credential_id', 'awarded_by', 'awarded_at', 'ledger_entry_id'] as const;

const select = (db: Executor) => db.selectFrom('awards').select([...COLUMNS, sql<string>`total_credits::text`.as('total_credits')]);

export function insertAward(db: Executor, row: Insertable<AwardsTable>): Promise<void> {
  return db.insertInto('awards').values(row).execute().then(() => undefined);
}

/** The award by id alone (a fan-out lookup under Citus, like /achievements/{id}). */
export function findAward(db: Executor, id: string, forUpdate = false): Promise<AwardRow | undefined> {
  const q = select(db).where('id', '=', id);
  return (forUpdate ? q.forUpdate() : q).executeTakeFirst() as Promise<AwardRow | undefined>;
}

export function standingAward(db: Executor, learnerId: string, programmeId: string): Promise<AwardRow | undefined> {
  return select(db).where('learner_id', '=', learnerId).where('programme_id', '=', programmeId).where('status', '=', 'awarded').executeTakeFirst() as Promise<AwardRow | undefined>;
}

export function awardsOf(db: Executor, learnerId: string): Promise<AwardRow[]> {
  return select(db).where('learner_id', '=', learnerId).orderBy('awarded_at').orderBy('id').execute() as Promise<AwardRow[]>;
}

export function setCredential(db: Executor, learnerId: string, id: string, credentialId: string): Promise<unknown> {
  return db.updateTable('awards').set({ credential_id: credentialId }).where('learner_id', '=', learnerId).where('id', '=', id).where('credential_id', 'is', null).execute();
}

export function markRescinded(db: Executor, learnerId: string, id: string): Promise<unknown> {
  return db.updateTable('awards').set({ status: 'rescinded' }).where('learner_id', '=', learnerId).where('id', '=', id).execute();
}

export function insertRescission(db: Executor, row: Insertable<AwardRescissionsTable>): Promise<unknown> {
  return db.insertInto('award_rescissions').values(row).execute();
}

export function rescissionsOf(db: Executor, learnerId: string, awardIds: string[]): Promise<RescissionRow[]> {
  if (awardIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('award_rescissions').selectAll().where('learner_id', '=', learnerId).where('award_id', 'in', awardIds).execute();
}
