import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { RecognitionAgreementPartiesTable, RecognitionAgreementsTable } from '../../db/tables/recognition.js';

export type AgreementRow = Selectable<RecognitionAgreementsTable>;
export type PartyRow = Selectable<RecognitionAgreementPartiesTable>;

const COLUMNS = ['id', 'kind', 'name_zh', 'name_en', 'effective_from', 'effective_to', 'status', 'created_by', 'created_at', 'changed_at',
  'ended_on', 'end_reason', 'ended_by'] as const;

export async function insertAgreement(db: Executor, row: Insertable<RecognitionAgreementsTable>, parties: Insertable<RecognitionAgreementPartiesTable>[]): Promise<void> {
  await db.insertInto('recognition_agreements').values(row).execute();
  if (parties.length > 0) await db.insertInto('recognition_agreement_parties').values(parties).execute();
}

export function findAgreement(db: Executor, id: string, lock = false): Promise<AgreementRow | undefined> {
  const q = db.selectFrom('recognition_agreements').select(COLUMNS).where('id', '=', id);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export function partiesOf(db: Executor, agreementIds: string[]): Promise<PartyRow[]> {
  if (agreementIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('recognition_agreement_parties').select(['agreement_id', 'institution_id', 'joined_on', 'left_on'])
    .where('agreement_id', 'in', agreementIds).orderBy('agreement_id').orderBy('institution_id').orderBy('joined_on').execute();
}

export function allAgreements(db: Executor): Promise<AgreementRow[]> {
  return db.selectFrom('recognition_agreements').select(COLUMNS).orderBy('id').execute();
}

export async function listAgreements(db: Executor, f: { institutionId?: string; kind?: string; after?: string; limit: number }): Promise<AgreementRow[]> {
  let q = db.selectFrom('recognition_agreements').select(COLUMNS);
  if (f.kind) q = q.where('kind', '=', f.kind as AgreementRow['kind']);
  if (f.institutionId) {
    const inst = f.institutionId;
    q = q.where('id', 'in', (eb) => eb.selectFrom('recognition_agreement_parties').select('agreement_id').where('institution_id', '=', inst));
  }
  if (f.after) q = q.where('id', '>', f.after);
  return q.orderBy('id').limit(f.limit + 1).execute();
}

export async function addParty(db: Executor, row: Insertable<RecognitionAgreementPartiesTable>, at: Date): Promise<void> {
  await db.insertInto('recognition_agreement_parties').values(row).execute();
  await db.updateTable('recognition_agreements').set({ changed_at: at }).where('id', '=', row.agreement_id).execute();
}

export async function setLeft(db: Executor, p: { agreementId: string; institutionId: string; joinedOn: string; leftOn: string }, at: Date): Promise<void> {
  await db.updateTable('recognition_agreement_parties').set({ left_on: p.leftOn })
    .where('agreement_id', '=', p.agreementId).where('institution_id', '=', p.institutionId).where('joined_on', '=', p.joinedOn).execute();
  await db.updateTable('recognition_agreements').set({ changed_at: at }).where('id', '=', p.agreementId).execute();
}

/** Records the end of an agreement: not in force from `endsOn`, so `effective_to` is the day before. */
export async function setEnded(db: Executor, e: { id: string; endsOn: string; lastDay: string; reason: string; by: string }, at: Date): Promise<void> {
  await db.updateTable('recognition_agreements')
    .set({ status: 'ended', ended_on: e.endsOn, end_reason: e.reason, ended_by: e.by, effective_to: e.lastDay, changed_at: at })
    .where('id', '=', e.id).execute();
}
