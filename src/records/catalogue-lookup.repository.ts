import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { CatalogueItem, CompletionRule } from '../catalogue/catalogue.types.js';

// Reads the catalogue contract table (migration 0003) directly with the contract's columns, so the
// record does not depend on the catalogue service's shape; only the fields records need.
interface CatalogueRow {
  id: string; institution_id: string; code: string; version: number; kind: CatalogueItem['kind'];
  title_zh: string | null; title_en: string | null; framework_id: string | null; framework_version: string | null;
  level: number | null; credit_system_id: string | null; credits: string | null; notional_hours: string | null;
  isced_code: string | null; grading_scheme_id: string; platform: string | null; completion_rule: unknown;
  components: unknown; effective_from: string; effective_to: string | null; retired_at: Date | null; created_at: Date;
}

const COLUMNS = sql.raw(`id, institution_id, code, version, kind, title_zh, title_en, framework_id, framework_version,
  level, credit_system_id, credits::text as credits, notional_hours::text as notional_hours, isced_code, grading_scheme_id,
  platform, completion_rule, components, effective_from::text as effective_from, effective_to::text as effective_to,
  retired_at, created_at`);

const json = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (typeof v === 'string' ? JSON.parse(v) : v) as T);

function toItem(r: CatalogueRow): CatalogueItem {
  return {
    id: r.id, institutionId: r.institution_id, code: r.code, version: r.version, kind: r.kind,
    title: { zh: r.title_zh, en: r.title_en },
    level: r.framework_id && r.framework_version && r.level !== null ? { frameworkId: r.framework_id, frameworkVersion: r.framework_version, level: r.level } : null,
    creditSystemId: r.credit_system_id, credits: r.credits, notionalHours: r.notional_hours, iscedCode: r.isced_code,
    outcomes: [], language: null, mode: null, gradingSchemeId: r.grading_scheme_id, platform: r.platform,
    completionRule: json<CompletionRule>(r.completion_rule), components: json<string[]>(r.components),
    effectiveFrom: r.effective_from, effectiveTo: r.effective_to,
    retiredAt: r.retired_at === null ? null : new Date(r.retired_at).toISOString(), retiredReason: null, createdAt: new Date(r.created_at).toISOString(),
  };
}

export async function catalogueItems(db: Executor, ids: string[]): Promise<Map<string, CatalogueItem>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<CatalogueRow>`select ${COLUMNS} from catalogue_items where id = any(${[...new Set(ids)]}::uuid[])`.execute(db);
  return new Map(rows.map((r) => [r.id, toItem(r)]));
}

/** Every version of the items with these (institution, code) pairs. */
export async function itemsWithCodes(db: Executor, pairs: { institutionId: string; code: string }[]): Promise<CatalogueItem[]> {
  if (pairs.length === 0) return [];
  const keys = pairs.map((p) => `${p.institutionId}|${p.code}`);
  const { rows } = await sql<CatalogueRow>`select ${COLUMNS} from catalogue_items
    where institution_id::text || '|' || code = any(${keys}::text[])`.execute(db);
  return rows.map(toItem);
}

/** Micro-majors listing any of these item ids as a component. */
export async function microMajorsWithAnyComponent(db: Executor, itemIds: string[]): Promise<CatalogueItem[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await sql<CatalogueRow>`select ${COLUMNS} from catalogue_items
    where kind = 'micro-major' and components ?| ${itemIds}::text[] order by institution_id, code, version`.execute(db);
  return rows.map(toItem);
}
