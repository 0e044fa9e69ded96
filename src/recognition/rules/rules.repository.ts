import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { RecognitionRulesTable } from '../../db/tables/recognition.js';

export type RuleRow = Selectable<RecognitionRulesTable>;

const COLUMNS = ['id', 'version', 'owner_kind', 'owner_id', 'target_institution_id', 'programme_id', 'kind', 'definition',
  'effective_from', 'effective_to', 'rationale', 'evidence', 'supersedes', 'published_by', 'published_at', 'read_back_institution_id'] as const;

export async function insertRule(db: Executor, row: Insertable<RecognitionRulesTable>): Promise<RuleRow> {
  return db.insertInto('recognition_rules').values(row).returning(COLUMNS).executeTakeFirstOrThrow();
}

export function versionsOf(db: Executor, id: string): Promise<RuleRow[]> {
  return db.selectFrom('recognition_rules').select(COLUMNS).where('id', '=', id).orderBy('version').execute();
}

/**
 * Every version of every rule that applies at this institution: those targeting it, and
 * bidirectional equivalencies read back at it (two indexed look-ups). The engine picks what is in force.
 */
export function rulesForTarget(db: Executor, institutionId: string): Promise<RuleRow[]> {
  return db.selectFrom('recognition_rules').select(COLUMNS)
    .where((eb) => eb.or([eb('target_institution_id', '=', institutionId), eb('read_back_institution_id', '=', institutionId)]))
    .orderBy('id').orderBy('version').execute();
}

/** Whether version `version` of rule `id` exists and applies at the institution (targets it, or is read back there). */
export async function ruleVersionAppliesAt(db: Executor, id: string, version: number, institutionId: string): Promise<boolean> {
  const row = await db.selectFrom('recognition_rules').select('id').where('id', '=', id).where('version', '=', version)
    .where((eb) => eb.or([eb('target_institution_id', '=', institutionId), eb('read_back_institution_id', '=', institutionId)]))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A change stamp for the rules that apply at an institution (see rulesForTarget) and for
 * agreements: rules are never updated or deleted, so their count only grows; agreements bump
 * `changed_at` on every membership change and when they end.
 */
export async function ruleStamp(db: Executor, institutionId: string): Promise<string> {
  const { rows } = await sql<{ n: string; a: Date | null }>`select
    (select count(*) from recognition_rules
      where target_institution_id = ${institutionId} or read_back_institution_id = ${institutionId})::text as n,
    (select max(changed_at) from recognition_agreements) as a`.execute(db);
  const r = rows[0]!;
  return `${r.n}|${r.a === null ? '' : new Date(r.a).toISOString()}`;
}

export interface RuleFilter {
  targetInstitutionId?: string;
  /** Rules targeting the institution or read back there (the latest version decides). */
  appliesAt?: string;
  agreementId?: string;
  ownerId?: string;
  kind?: string;
  programmeId?: string;
  effectiveOn?: string;
  after?: string;
  limit: number;
}

/** The latest version of each rule matching the filter, by rule id (keyset on id). */
export async function listLatest(db: Executor, f: RuleFilter): Promise<RuleRow[]> {
  let q = db.selectFrom('recognition_rules as r').select(COLUMNS.map((c) => `r.${c}` as const))
    .where('r.version', '=', (eb) => eb.selectFrom('recognition_rules as v').select((e) => e.fn.max('v.version').as('m')).whereRef('v.id', '=', 'r.id'));
  if (f.targetInstitutionId) q = q.where('r.target_institution_id', '=', f.targetInstitutionId);
  if (f.appliesAt) {
    const at = f.appliesAt;
    q = q.where((eb) => eb.or([eb('r.target_institution_id', '=', at), eb('r.read_back_institution_id', '=', at)]));
  }
  if (f.agreementId) q = q.where('r.owner_kind', '=', 'agreement').where('r.owner_id', '=', f.agreementId);
  if (f.ownerId) q = q.where('r.owner_id', '=', f.ownerId);
  if (f.kind) q = q.where('r.kind', '=', f.kind as RuleRow['kind']);
  if (f.programmeId) q = q.where('r.programme_id', '=', f.programmeId);
  if (f.effectiveOn) {
    const on = f.effectiveOn;
    q = q.where('r.effective_from', '<=', on).where((eb) => eb.or([eb('r.effective_to', 'is', null), eb('r.effective_to', '>=', on)]));
  }
  if (f.after) q = q.where('r.id', '>', f.after);
  return q.orderBy('r.id').limit(f.limit + 1).execute();
}

/** The framework level the latest version of a programme names, if the programme is known here. */
export async function programmeFrameworkLevel(db: Executor, programmeId: string): Promise<{ framework: string; level: string } | undefined> {
  const row = await db.selectFrom('programme_versions').select('document').where('programme_id', '=', programmeId)
    .orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  const doc = (typeof row.document === 'string' ? JSON.parse(row.document) : row.document) as { frameworkLevel?: { framework: string; level: string } };
  return doc.frameworkLevel;
}
