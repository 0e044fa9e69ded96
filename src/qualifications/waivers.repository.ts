import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { RequirementWaiversTable } from '../db/tables/qualifications.js';

export type WaiverRow = Omit<Selectable<RequirementWaiversTable>, 'ledger_entry_id' | 'revoked_entry_id'> & {
  ledger_entry_id: number | string; revoked_entry_id: number | string | null;
};

export const WAIVER_COLUMNS = ['learner_id', 'id', 'programme_id', 'programme_version', 'requirement_id', 'institution_id', 'reason',
  'granted_by', 'granted_at', 'ledger_entry_id', 'revoked_at', 'revoked_by', 'revocation_reason', 'revoked_entry_id'] as const;

const select = (db: Executor) => db.selectFrom('requirement_waivers').select(WAIVER_COLUMNS);

export function insertWaiver(db: Executor, row: Insertable<RequirementWaiversTable>): Promise<unknown> {
  return db.insertInto('requirement_waivers').values(row).execute();
}

export function findWaiver(db: Executor, learnerId: string, id: string, forUpdate = false): Promise<WaiverRow | undefined> {
  const q = select(db).where('learner_id', '=', learnerId).where('id', '=', id);
  return (forUpdate ? q.forUpdate() : q).executeTakeFirst() as Promise<WaiverRow | undefined>;
}

/** The live (unrevoked) waiver of one requirement under one programme version, if any. */
export function liveWaiver(db: Executor, learnerId: string, programmeId: string, version: string, requirementId: string): Promise<WaiverRow | undefined> {
  return select(db).where('learner_id', '=', learnerId).where('programme_id', '=', programmeId).where('programme_version', '=', version)
    .where('requirement_id', '=', requirementId).where('revoked_at', 'is', null).executeTakeFirst() as Promise<WaiverRow | undefined>;
}

/** Live waivers that count in an audit against this programme version. */
export function liveWaivers(db: Executor, learnerId: string, programmeId: string, version: string): Promise<Pick<WaiverRow, 'id' | 'requirement_id' | 'reason'>[]> {
  return db.selectFrom('requirement_waivers').select(['id', 'requirement_id', 'reason']).where('learner_id', '=', learnerId)
    .where('programme_id', '=', programmeId).where('programme_version', '=', version).where('revoked_at', 'is', null).orderBy('id').execute();
}

/** Every waiver of a learner for a programme (all versions, revoked ones too), oldest first. */
export function waiversOf(db: Executor, learnerId: string, programmeId: string): Promise<WaiverRow[]> {
  return select(db).where('learner_id', '=', learnerId).where('programme_id', '=', programmeId)
    .orderBy('granted_at').orderBy('id').execute() as Promise<WaiverRow[]>;
}

/** Adds the revocation to a live row (the only update the table's trigger allows). */
export function revokeWaiver(db: Executor, learnerId: string, id: string, v: { at: Date; by: string; reason: string; entryId: number }): Promise<unknown> {
  return db.updateTable('requirement_waivers').set({ revoked_at: v.at, revoked_by: v.by, revocation_reason: v.reason, revoked_entry_id: v.entryId })
    .where('learner_id', '=', learnerId).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/**
 * Serialises waiver grants of one learner, so two concurrent grants of the same requirement see
 * each other. FOR NO KEY UPDATE of the learner's row: always present, and it does not block other
 * domains' inserts that reference the learner. One learner only, never cross-learner.
 */
export async function lockLearnerForWaiver(db: Executor, learnerId: string): Promise<void> {
  await db.selectFrom('learners').select('id').where('id', '=', learnerId).forNoKeyUpdate().execute();
}
