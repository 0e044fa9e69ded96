import { Decimal } from 'decimal.js';
import type { Insertable, Selectable } from 'kysely';
import type { CatalogueItemsTable } from '../db/tables/catalogue.js';
import { createHash } from 'node:crypto';
import type { CatalogueItemInput } from './catalogue.schemas.js';
import { searchFields } from './catalogue-search.js';
import type { CatalogueItem, CatalogueKind, CompletionRule, DeliveryMode, LevelReference, LocalisedText } from './catalogue.types.js';

export const ITEM_COLUMNS = ['id', 'institution_id', 'code', 'version', 'kind', 'title_zh', 'title_en', 'framework_id',
  'framework_version', 'level', 'credit_system_id', 'credits', 'notional_hours', 'isced_code', 'outcomes', 'language', 'mode',
  'grading_scheme_id', 'platform', 'completion_rule', 'components', 'effective_from', 'effective_to', 'retired_at',
  'retired_reason', 'content_hash', 'created_at'] as const;
export type ItemRow = Pick<Selectable<CatalogueItemsTable>, (typeof ITEM_COLUMNS)[number]>;

/** Exact decimal text without trailing zeros: numeric(10,2) "3.00" reads as "3". */
const plain = (d: string | null | undefined): string | null => (d === null || d === undefined ? null : new Decimal(d).toString());

export function toItem(r: ItemRow): CatalogueItem {
  const rule = r.completion_rule as CompletionRule | null;
  return {
    id: r.id, institutionId: r.institution_id, code: r.code, version: r.version, kind: r.kind as CatalogueKind,
    title: { zh: r.title_zh, en: r.title_en },
    level: r.framework_id === null ? null : { frameworkId: r.framework_id, frameworkVersion: r.framework_version!, level: r.level! },
    creditSystemId: r.credit_system_id, credits: plain(r.credits), notionalHours: plain(r.notional_hours),
    iscedCode: r.isced_code, outcomes: (r.outcomes ?? []) as LocalisedText[], language: r.language, mode: r.mode as DeliveryMode | null,
    gradingSchemeId: r.grading_scheme_id, platform: r.platform,
    completionRule: rule?.type === 'min-credits' ? { type: 'min-credits', credits: plain(rule.credits)! } : rule,
    components: r.components as string[] | null,
    effectiveFrom: r.effective_from, effectiveTo: r.effective_to,
    retiredAt: r.retired_at?.toISOString() ?? null, retiredReason: r.retired_reason, createdAt: r.created_at.toISOString(),
  };
}

/** What a version of an item says, normalised: equal content ⇔ equal hash (re-publishing is a no-op). */
export interface ItemContent {
  code: string; version: number; kind: CatalogueKind; title: { zh: string | null; en: string | null };
  level: LevelReference | null; creditSystemId: string | null; credits: string | null; notionalHours: string | null;
  iscedCode: string | null; outcomes: LocalisedText[]; language: string | null; mode: DeliveryMode | null;
  gradingSchemeId: string; platform: string | null; completionRule: CompletionRule | null; components: string[] | null;
  effectiveFrom: string; effectiveTo: string | null;
}

function normalRule(rule: CompletionRule | undefined): CompletionRule | null {
  if (!rule) return null;
  if (rule.type === 'n-of') return { type: 'n-of', n: rule.n };
  if (rule.type === 'min-credits') return { type: 'min-credits', credits: plain(rule.credits)! };
  return { type: 'all' };
}

// toContent builds every object with a fixed key order, so plain JSON is canonical here and much
// cheaper than a general canonicaliser on the bulk path.
const hashContent = (c: ItemContent) => createHash('sha256').update(JSON.stringify(c)).digest('hex');

export function toContent(input: CatalogueItemInput, level: LevelReference | null, components: string[] | null): ItemContent {
  return {
    code: input.code, version: input.version ?? 1, kind: input.kind,
    title: { zh: input.title.zh?.normalize('NFC') ?? null, en: input.title.en?.normalize('NFC') ?? null },
    level: level && { frameworkId: level.frameworkId, frameworkVersion: level.frameworkVersion, level: level.level }, creditSystemId: input.creditSystemId ?? null, credits: plain(input.credits), notionalHours: plain(input.notionalHours),
    iscedCode: input.iscedCode ?? null, outcomes: (input.outcomes ?? []).map((o) => ({ ...(o.zh ? { zh: o.zh.normalize('NFC') } : {}), ...(o.en ? { en: o.en.normalize('NFC') } : {}) })), language: input.language ?? null, mode: input.mode ?? null,
    gradingSchemeId: input.gradingSchemeId, platform: input.platform ?? null,
    completionRule: normalRule(input.completionRule), components, effectiveFrom: input.effectiveFrom, effectiveTo: input.effectiveTo ?? null,
  };
}

export function toRow(id: string, institutionId: string, c: ItemContent): Insertable<CatalogueItemsTable> {
  const search = searchFields(c.code, c.title.zh, c.title.en);
  return {
    id, institution_id: institutionId, code: c.code, version: c.version, kind: c.kind, title_zh: c.title.zh, title_en: c.title.en,
    framework_id: c.level?.frameworkId ?? null, framework_version: c.level?.frameworkVersion ?? null, level: c.level?.level ?? null,
    credit_system_id: c.creditSystemId, credits: c.credits, notional_hours: c.notionalHours, isced_code: c.iscedCode,
    outcomes: JSON.stringify(c.outcomes), language: c.language, mode: c.mode, grading_scheme_id: c.gradingSchemeId,
    platform: c.platform, completion_rule: c.completionRule ? JSON.stringify(c.completionRule) : null,
    components: c.components ? JSON.stringify(c.components) : null, effective_from: c.effectiveFrom, effective_to: c.effectiveTo,
    retired_at: null, retired_reason: null, content_hash: hashContent(c), search_text: search.text, search_grams: search.grams,
  };
}
