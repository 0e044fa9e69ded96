import { sql, type Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { CatalogueItemsTable } from '../db/tables/catalogue.js';
import { ITEM_COLUMNS, type ItemRow } from './catalogue-rows.js';

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

/**
 * Inserts new versions and moves the latest marker to the highest version of each code: earlier
 * versions already stored lose it first (the partial unique index allows one per code). A
 * concurrent publish of the same next version blocks on the cleared row, then fails on the
 * natural key, so the marker is never left on two versions or on none.
 */
export async function insertItems(db: Executor, institutionId: string, rows: Insertable<CatalogueItemsTable>[]): Promise<void> {
  if (rows.length === 0) return;
  const newest = new Map<string, number>();
  for (const r of rows) newest.set(r.code, Math.max(newest.get(r.code) ?? 0, r.version));
  const superseding = [...newest].filter(([, v]) => v > 1).map(([code]) => code);
  if (superseding.length > 0) {
    await sql`update catalogue_items set is_latest = false where institution_id = ${institutionId} and code = any(${superseding}::text[]) and is_latest`.execute(db);
  }
  await db.insertInto('catalogue_items').values(rows.map((r) => ({ ...r, is_latest: r.version === newest.get(r.code) }))).execute();
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
