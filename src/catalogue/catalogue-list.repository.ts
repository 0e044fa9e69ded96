import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { ITEM_COLUMNS, type ItemRow } from './catalogue-rows.js';
import { likeContains } from './catalogue-search.js';

export interface ListFilter {
  institution?: string; kind?: string; framework?: string; frameworkVersion?: string; level?: number; field?: string;
  creditSystem?: string; terms: { term: string; grams: string[] }[]; includeRetired: boolean; allVersions: boolean;
  after?: [string, string]; limit: number;
  /** Rows probed in order before the index fallback (tests shrink it to exercise both paths). */
  probe?: number;
}

type ItemQuery = SelectQueryBuilder<Database & { c: Database['catalogue_items'] }, 'c', object>;

// Filters an ordered index can serve: equality on indexed columns, the latest/current markers
// (the partial indexes' predicates, written the same way so the planner can use them) and the
// keyset cursor.
function ordered(q: ItemQuery, f: ListFilter): ItemQuery {
  if (f.institution !== undefined) q = q.where('c.institution_id', '=', f.institution);
  if (f.kind !== undefined) q = q.where('c.kind', '=', f.kind);
  if (f.framework !== undefined) q = q.where('c.framework_id', '=', f.framework);
  if (f.frameworkVersion !== undefined) q = q.where('c.framework_version', '=', f.frameworkVersion);
  if (f.level !== undefined) q = q.where('c.level', '=', f.level);
  if (f.creditSystem !== undefined) q = q.where('c.credit_system_id', '=', f.creditSystem);
  if (!f.allVersions) q = q.where(sql<boolean>`c.is_latest`);
  if (!f.includeRetired) q = q.where('c.retired_at', 'is', null);
  if (f.after) q = q.where(sql<boolean>`(c.code, c.id) > (${f.after[0]}, ${f.after[1]}::uuid)`);
  return q;
}

// Filters no ordered index serves: text terms (substring of the normalised text) and the ISCED
// prefix. `withGrams` adds the GIN-indexable gram containment that finds rare terms fast.
function selective<T extends SelectQueryBuilder<any, any, any>>(q: T, alias: string, f: ListFilter, withGrams: boolean): T {
  if (f.field !== undefined) q = q.where(sql.ref(`${alias}.isced_code`), 'like', `${f.field.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) as T;
  for (const t of f.terms) {
    if (withGrams) q = q.where(sql<boolean>`${sql.ref(`${alias}.search_grams`)} @> array[${sql.join(t.grams)}]::text[]`) as T;
    q = q.where(sql.ref(`${alias}.search_text`), 'like', likeContains(t.term)) as T;
  }
  return q;
}

async function windowNotFull(db: Executor, inWindow: ItemQuery, window: number): Promise<boolean> {
  const { n } = await db.selectFrom(inWindow.select('c.id').as('w')).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(n) < window;
}

const isSelective = (f: ListFilter) => f.terms.length > 0 || f.field !== undefined;

/** Rows examined in (code, id) order before a selective search falls back to its indexes. */
export const probeWindow = (limit: number) => Math.min(5000, Math.max(1000, (limit + 1) * 20));

const columns = ITEM_COLUMNS.map((col) => `c.${col}` as const);

/**
 * One page in (code, id) order; limit+1 rows so the caller can tell whether more follow.
 * A text or field search first reads the next `probeWindow` rows in index order and filters them
 * (a frequent term fills the page there and stops); only when the window was full and the page
 * still short is it run again through the gram and ISCED indexes (a rare term, few rows to sort;
 * a window not full means the probe saw every candidate, so its short page is the answer).
 * The planner's row estimates for multi-gram containment are far off and PGlite keeps no
 * statistics, so the choice is made here rather than left to it.
 */
export async function listItems(db: Executor, f: ListFilter): Promise<ItemRow[]> {
  const base = ordered(db.selectFrom('catalogue_items as c'), f);
  if (!isSelective(f)) return base.select(columns).orderBy('c.code').orderBy('c.id').limit(f.limit + 1).execute() as Promise<ItemRow[]>;
  const window = f.probe ?? probeWindow(f.limit);
  const inWindow = base.orderBy('c.code').orderBy('c.id').limit(window);
  // A plain subquery, not a CTE: its limit node stops reading as soon as the page is full.
  const probe = await selective(db.selectFrom(inWindow.select([...columns, 'c.search_text']).as('w')).selectAll('w'), 'w', f, false)
    .orderBy('w.code').orderBy('w.id').limit(f.limit + 1).execute();
  if (probe.length > f.limit || await windowNotFull(db, inWindow, window)) {
    return probe.map(({ search_text: _t, ...row }) => row) as ItemRow[];
  }
  return selective(base.select(columns), 'c', f, true).orderBy('c.code').orderBy('c.id').limit(f.limit + 1).execute() as Promise<ItemRow[]>;
}
