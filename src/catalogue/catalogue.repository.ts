import { sql, type Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { CatalogueItemsTable } from '../db/tables/catalogue.js';
import { ITEM_COLUMNS, type ItemRow } from './catalogue-rows.js';
import { likeContains } from './catalogue-search.js';

export function findItem(db: Executor, id: string): Promise<ItemRow | undefined> {
  return db.selectFrom('catalogue_items').select(ITEM_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findItems(db: Executor, ids: string[]): Promise<ItemRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('catalogue_items').select(ITEM_COLUMNS).where('id', 'in', ids).execute();
}

/** Every version of the given codes of one institution: what a publish compares against. */
export async function itemsByCodes(db: Executor, institutionId: string, codes: string[]): Promise<ItemRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('catalogue_items').select(ITEM_COLUMNS)
    .where('institution_id', '=', institutionId).where('code', 'in', codes).orderBy('code').orderBy('version').execute();
}

export async function insertItems(db: Executor, rows: Insertable<CatalogueItemsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('catalogue_items').values(rows).execute();
}

/** Sets retired_at once; a second retirement changes nothing. */
export function retireItem(db: Executor, id: string, at: Date, reason: string) {
  return db.updateTable('catalogue_items').set({ retired_at: at, retired_reason: reason })
    .where('id', '=', id).where('retired_at', 'is', null).returning(ITEM_COLUMNS).executeTakeFirst();
}

export function versionsOf(db: Executor, institutionId: string, code: string) {
  return db.selectFrom('catalogue_items').select(['id', 'version', 'effective_from', 'effective_to', 'retired_at', 'created_at'])
    .where('institution_id', '=', institutionId).where('code', '=', code).orderBy('version').execute();
}

export interface ListFilter {
  institution?: string; kind?: string; framework?: string; frameworkVersion?: string; level?: number; field?: string;
  creditSystem?: string; terms: { term: string; grams: string[] }[]; includeRetired: boolean; allVersions: boolean;
  after?: [string, string]; limit: number;
}

/** One page in (code, id) order; limit+1 rows so the caller can tell whether more follow. */
export function listItems(db: Executor, f: ListFilter): Promise<ItemRow[]> {
  let q = db.selectFrom('catalogue_items as c').select(ITEM_COLUMNS.map((col) => `c.${col}` as const));
  if (f.institution !== undefined) q = q.where('c.institution_id', '=', f.institution);
  if (f.kind !== undefined) q = q.where('c.kind', '=', f.kind);
  if (f.framework !== undefined) q = q.where('c.framework_id', '=', f.framework);
  if (f.frameworkVersion !== undefined) q = q.where('c.framework_version', '=', f.frameworkVersion);
  if (f.level !== undefined) q = q.where('c.level', '=', f.level);
  if (f.field !== undefined) q = q.where('c.isced_code', 'like', `${f.field}%`);
  if (f.creditSystem !== undefined) q = q.where('c.credit_system_id', '=', f.creditSystem);
  if (!f.includeRetired) q = q.where('c.retired_at', 'is', null);
  for (const t of f.terms) {
    q = q.where(sql<boolean>`c.search_grams @> array[${sql.join(t.grams)}]::text[]`).where('c.search_text', 'like', likeContains(t.term));
  }
  if (!f.allVersions) {
    q = q.where(({ not, exists, selectFrom }) => not(exists(selectFrom('catalogue_items as n').select(sql`1`.as('one'))
      .whereRef('n.institution_id', '=', 'c.institution_id').whereRef('n.code', '=', 'c.code').whereRef('n.version', '>', 'c.version'))));
  }
  if (f.after) q = q.where(sql<boolean>`(c.code, c.id) > (${f.after[0]}, ${f.after[1]}::uuid)`);
  return q.orderBy('c.code').orderBy('c.id').limit(f.limit + 1).execute() as Promise<ItemRow[]>;
}
