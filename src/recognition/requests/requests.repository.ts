import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type {
  RecognisedCreditsTable, RecognitionAppealsTable, RecognitionDecisionsTable, RecognitionItemsTable,
  RecognitionNoticesTable, RecognitionRequestsTable,
} from '../../db/tables/recognition.js';

export type RequestRow = Selectable<RecognitionRequestsTable>;
export type ItemRow = Selectable<RecognitionItemsTable>;
export type DecisionRow = Selectable<RecognitionDecisionsTable>;
export type AppealRow = Selectable<RecognitionAppealsTable>;
export type CreditRow = Selectable<RecognisedCreditsTable>;
export type NoticeRow = Selectable<RecognitionNoticesTable>;

const REQUEST = ['learner_id', 'id', 'target_institution_id', 'programme_id', 'evaluated_on', 'note', 'created_at'] as const;
const ITEM = ['learner_id', 'id', 'request_id', 'target_institution_id', 'achievement_id', 'source_kind', 'status', 'evaluation', 'queued_at'] as const;
export const DECISION = ['learner_id', 'id', 'item_id', 'request_id', 'kind', 'outcome', 'credits', 'grants', 'rule_versions', 'reviewer',
  'reason', 'evidence', 'decided_at', 'ledger_entry_id'] as const;
const APPEAL = ['learner_id', 'id', 'item_id', 'request_id', 'appealed_decision_id', 'reason', 'evidence', 'filed_at', 'decision_id'] as const;
export const CREDIT = ['learner_id', 'id', 'decision_id', 'item_id', 'target_institution_id', 'programme_id', 'category', 'credits',
  'target_item_id', 'source_achievement_ids', 'source_institution_ids', 'source_import_ids', 'source_trust_entry_ids', 'rule_id', 'rule_version', 'recognised_on', 'granted_entry_id',
  'revoked_at', 'revoked_reason', 'revoked_entry_id'] as const;
const NOTICE = ['learner_id', 'id', 'institution_id', 'kind', 'subject_id', 'message', 'detail', 'created_at'] as const;

export async function insertRequest(db: Executor, row: Insertable<RecognitionRequestsTable>, items: Insertable<RecognitionItemsTable>[]): Promise<void> {
  await db.insertInto('recognition_requests').values(row).execute();
  if (items.length > 0) await db.insertInto('recognition_items').values(items).execute();
}

/** Finds a request by id alone (the route has no learner id; a fan-out look-up under Citus). */
export function findRequest(db: Executor, id: string): Promise<RequestRow | undefined> {
  return db.selectFrom('recognition_requests').select(REQUEST).where('id', '=', id).executeTakeFirst();
}

export function requestsOf(db: Executor, learnerId: string, ids: string[]): Promise<RequestRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('recognition_requests').select(REQUEST).where('learner_id', '=', learnerId).where('id', 'in', ids).execute();
}

export function itemsOf(db: Executor, learnerId: string, requestId: string): Promise<ItemRow[]> {
  return db.selectFrom('recognition_items').select(ITEM).where('learner_id', '=', learnerId).where('request_id', '=', requestId).orderBy('achievement_id').execute();
}

export function findItem(db: Executor, learnerId: string, itemId: string, lock = false): Promise<ItemRow | undefined> {
  const q = db.selectFrom('recognition_items').select(ITEM).where('learner_id', '=', learnerId).where('id', '=', itemId);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export async function setItemStatus(db: Executor, learnerId: string, itemId: string, status: ItemRow['status'], queuedAt: Date | null): Promise<void> {
  await db.updateTable('recognition_items').set({ status, queued_at: queuedAt }).where('learner_id', '=', learnerId).where('id', '=', itemId).execute();
}

/** Items of the learner at this target that are still open or ended without full credit. */
export function reconsiderableItems(db: Executor, targetInstitutionId: string): Promise<ItemRow[]> {
  return db.selectFrom('recognition_items').select(ITEM).where('target_institution_id', '=', targetInstitutionId)
    .orderBy('learner_id').orderBy('id').execute();
}

export function queue(db: Executor, institutionId: string, limit: number, after?: string): Promise<ItemRow[]> {
  let q = db.selectFrom('recognition_items').select(ITEM).where('target_institution_id', '=', institutionId).where('status', 'in', ['queued', 'appealed']);
  if (after) q = q.where('id', '>', after);
  return q.orderBy('id').limit(limit + 1).execute();
}

export async function insertDecision(db: Executor, row: Insertable<RecognitionDecisionsTable>): Promise<void> {
  await db.insertInto('recognition_decisions').values(row).execute();
}

export function decisionsOf(db: Executor, learnerId: string, requestId: string): Promise<DecisionRow[]> {
  return db.selectFrom('recognition_decisions').select(DECISION).where('learner_id', '=', learnerId).where('request_id', '=', requestId)
    .orderBy('decided_at').orderBy('id').execute();
}

export async function insertAppeal(db: Executor, row: Insertable<RecognitionAppealsTable>): Promise<boolean> {
  const r = await db.insertInto('recognition_appeals').values(row).onConflict((oc) => oc.columns(['learner_id', 'item_id']).doNothing())
    .returning('id').executeTakeFirst();
  return r !== undefined;
}

export function appealsOf(db: Executor, learnerId: string, requestId: string): Promise<AppealRow[]> {
  return db.selectFrom('recognition_appeals').select(APPEAL).where('learner_id', '=', learnerId).where('request_id', '=', requestId).execute();
}

export async function closeAppeal(db: Executor, learnerId: string, appealId: string, decisionId: string): Promise<void> {
  await db.updateTable('recognition_appeals').set({ decision_id: decisionId }).where('learner_id', '=', learnerId).where('id', '=', appealId).execute();
}

export async function insertCredits(db: Executor, rows: Insertable<RecognisedCreditsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('recognised_credits').values(rows).execute();
}

export function creditsOf(db: Executor, learnerId: string, f: { targetInstitutionId?: string; itemIds?: string[]; activeOnly?: boolean } = {}): Promise<CreditRow[]> {
  let q = db.selectFrom('recognised_credits').select(CREDIT).where('learner_id', '=', learnerId);
  if (f.targetInstitutionId) q = q.where('target_institution_id', '=', f.targetInstitutionId);
  if (f.itemIds) q = f.itemIds.length === 0 ? q.where('id', 'is', null) : q.where('item_id', 'in', f.itemIds);
  if (f.activeOnly) q = q.where('revoked_at', 'is', null);
  return q.orderBy('recognised_on').orderBy('id').execute();
}

/** Live credit that names this achievement among its sources, locked for revocation. */
export function liveCreditsFrom(db: Executor, learnerId: string, achievementId: string): Promise<CreditRow[]> {
  return db.selectFrom('recognised_credits').select(CREDIT).where('learner_id', '=', learnerId)
    .where(sql<boolean>`source_achievement_ids @> array[${achievementId}]::uuid[]`).where('revoked_at', 'is', null).orderBy('id').forUpdate().execute();
}

/**
 * Live credit at the target that would make a new grant count twice: credit naming this achievement
 * (or credential import: `achievementId` is the item's record entry) among its sources, or credit for
 * the same target item (when one is named). Other items' only.
 */
export function conflictingCredits(db: Executor, learnerId: string, f: { targetInstitutionId: string; achievementId: string; targetItemId?: string; exceptItemId: string }): Promise<CreditRow[]> {
  return db.selectFrom('recognised_credits').select(CREDIT).where('learner_id', '=', learnerId)
    .where('target_institution_id', '=', f.targetInstitutionId).where('revoked_at', 'is', null).where('item_id', '<>', f.exceptItemId)
    .where((eb) => eb.or([
      eb(sql<boolean>`source_achievement_ids @> array[${f.achievementId}]::uuid[]`, '=', true),
      eb(sql<boolean>`source_import_ids @> array[${f.achievementId}]::uuid[]`, '=', true),
      ...(f.targetItemId === undefined ? [] : [eb('target_item_id', '=', f.targetItemId)]),
    ]))
    .orderBy('recognised_on').orderBy('id').execute();
}

export async function revokeCredit(db: Executor, learnerId: string, id: string, v: { at: Date; reason: string; entryId: number }): Promise<void> {
  await db.updateTable('recognised_credits').set({ revoked_at: v.at, revoked_reason: v.reason, revoked_entry_id: v.entryId })
    .where('learner_id', '=', learnerId).where('id', '=', id).execute();
}

export async function insertNotices(db: Executor, rows: Insertable<RecognitionNoticesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('recognition_notices').values(rows).execute();
}

/** Notices newest first (then by id, descending), after `after` when given: `limit` + 1 rows, so the caller knows there are more. */
export function notices(db: Executor, f: { learnerId?: string; institutionId?: string; limit: number; after?: Pick<NoticeRow, 'created_at' | 'id'> }): Promise<NoticeRow[]> {
  let q = db.selectFrom('recognition_notices').select(NOTICE);
  if (f.learnerId) q = q.where('learner_id', '=', f.learnerId);
  if (f.institutionId) q = q.where('institution_id', '=', f.institutionId);
  const after = f.after;
  if (after) q = q.where((eb) => eb.or([eb('created_at', '<', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '<', after.id)])]));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
}

/** One notice of this learner's or institution's, to page on from. */
export function findNotice(db: Executor, f: { learnerId?: string; institutionId?: string }, id: string): Promise<NoticeRow | undefined> {
  let q = db.selectFrom('recognition_notices').select(NOTICE).where('id', '=', id);
  if (f.learnerId) q = q.where('learner_id', '=', f.learnerId);
  if (f.institutionId) q = q.where('institution_id', '=', f.institutionId);
  return q.executeTakeFirst();
}

/**
 * Serialises the writes that grant credit to one learner (automatic decisions, reviews,
 * appeals, re-evaluations), so two of them cannot both fit under the same cap. It takes the learner's
 * row FOR NO KEY UPDATE: always present (a first request too), and unlike FOR UPDATE it does not
 * block other domains' inserts that reference the learner. One learner only: never cross-learner.
 */
export async function lockLearnerForCredit(db: Executor, learnerId: string): Promise<void> {
  await db.selectFrom('learners').select('id').where('id', '=', learnerId).forNoKeyUpdate().execute();
}

/** How many unrevoked API clients of the institution may review recognition requests. */
export async function reviewerClientCount(db: Executor, institutionId: string): Promise<number> {
  const r = await db.selectFrom('api_clients').select((eb) => eb.fn.countAll<string>().as('n')).where('institution_id', '=', institutionId)
    .where('revoked_at', 'is', null).where(sql<boolean>`'recognition:review' = any(scopes)`).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Whether the institution's catalogue holds an item with this code (any version). */
export async function catalogueCodeExists(db: Executor, institutionId: string, code: string): Promise<boolean> {
  const row = await db.selectFrom('catalogue_items').select('id').where('institution_id', '=', institutionId).where('code', '=', code).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** What a reviewer reads of a requested achievement: its current content, where it comes from, whether it is revoked. */
export interface AchievementSubjectRow {
  learner_id: string; id: string; depositor_id: string; provider_id: string | null; code: string | null; title_zh: string | null; title_en: string | null;
  item_kind: string | null; learning: unknown; result: string | null; credits: string | null; credit_system_id: string | null;
  completed_on: string | null; evidence_url: string | null; evidence_sha256: string | null; revoked: boolean;
}

/** What a reviewer reads of a requested credential import. */
export interface ImportSubjectRow {
  learner_id: string; id: string; name: string | null; issuer: string | null; format: string; verification: string; verified: boolean;
  trust_entry_id: string | null; created_at: Date; part_of: string | null;
  /** The credential as imported, for what it states (credits, result, dates, issuer name). */
  original: string;
}

type Key = { learnerId: string; id: string };

/**
 * The subjects of request items, by (learner, entry) pairs: one statement for achievements and one
 * for imports however many learners a review queue page spans (reads only, each row by its
 * learner's key).
 */
export async function itemSubjectRows(db: Executor, achievements: Key[], imports: Key[]): Promise<{ achievements: AchievementSubjectRow[]; imports: ImportSubjectRow[] }> {
  const pairs = (keys: Key[]) => sql`(select * from unnest(${keys.map((k) => k.learnerId)}::uuid[], ${keys.map((k) => k.id)}::uuid[]))`;
  const a = achievements.length === 0 ? [] : (await sql<AchievementSubjectRow>`select a.learner_id, a.id, a.institution_id as depositor_id,
      c.institution_id as provider_id, c.code, c.title_zh, c.title_en, c.kind as item_kind, cur.learning, cur.result, cur.credits::text as credits,
      cur.credit_system_id, cur.completed_on::text as completed_on, cur.evidence_url, cur.evidence_sha256, last.action = 'revocation' as revoked
    from achievements a
    cross join lateral (select v.action from achievement_versions v where v.learner_id = a.learner_id and v.achievement_id = a.id
      order by v.version desc limit 1) last
    cross join lateral (select v.catalogue_item_id, v.learning, v.result, v.credits, v.credit_system_id, v.completed_on, v.evidence_url, v.evidence_sha256
      from achievement_versions v where v.learner_id = a.learner_id and v.achievement_id = a.id and v.action <> 'revocation' order by v.version desc limit 1) cur
    left join catalogue_items c on c.id = cur.catalogue_item_id
    where (a.learner_id, a.id) in ${pairs(achievements)}`.execute(db)).rows;
  const i = imports.length === 0 ? [] : (await sql<ImportSubjectRow>`select learner_id, id, name, issuer, format, verification, verified, trust_entry_id, created_at, part_of, original
    from credential_imports where (learner_id, id) in ${pairs(imports)}`.execute(db)).rows;
  return { achievements: a, imports: i };
}

/** One of a learner's requests with its items counted by status and the credit it holds now. */
export interface RequestSummaryRow {
  learner_id: string; id: string; target_institution_id: string; programme_id: string | null; evaluated_on: string; note: string | null; created_at: Date;
  total: number; queued: number; appealed: number; decided: number; credits: string;
}

/**
 * A learner's requests, or those addressed to an institution (across learners: a read, by the
 * target's index), newest first (then id descending), after a keyset position: `limit` + 1 rows.
 */
export async function requestSummaries(db: Executor, of: { learnerId: string } | { targetInstitutionId: string }, q: { after?: [Date, string]; limit: number }): Promise<RequestSummaryRow[]> {
  const whose = 'learnerId' in of ? sql`r.learner_id = ${of.learnerId}` : sql`r.target_institution_id = ${of.targetInstitutionId}`;
  const after = q.after ? sql`and (r.created_at < ${q.after[0]} or (r.created_at = ${q.after[0]} and r.id < ${q.after[1]}))` : sql``;
  const { rows } = await sql<RequestSummaryRow>`select r.learner_id, r.id, r.target_institution_id, r.programme_id, r.evaluated_on::text as evaluated_on, r.note, r.created_at,
      n.total, n.queued, n.appealed, n.decided,
      (select coalesce(sum(c.credits), 0)::text from recognised_credits c join recognition_items i on i.learner_id = c.learner_id and i.id = c.item_id
        where c.learner_id = r.learner_id and i.request_id = r.id and c.revoked_at is null) as credits
    from recognition_requests r
    cross join lateral (select count(*)::int as total, (count(*) filter (where i.status = 'queued'))::int as queued,
        (count(*) filter (where i.status = 'appealed'))::int as appealed, (count(*) filter (where i.status = 'decided'))::int as decided
      from recognition_items i where i.learner_id = r.learner_id and i.request_id = r.id) n
    where ${whose} ${after}
    order by r.created_at desc, r.id desc
    limit ${q.limit + 1}`.execute(db);
  return rows;
}
