import { Decimal } from 'decimal.js';
import type { CatalogueItem } from '../../catalogue/catalogue.types.js';
import type { Executor } from '../../db/database.js';
import { catalogueItems } from '../../records/catalogue-lookup.repository.js';
import type { NonCatalogueLearning } from '../../records/records.types.js';
import type { EngineAchievement, ItemKind } from '../engine/index.js';
import { engineItemId } from '../rules/rule-definition.js';
import type { CatalogueLookup } from './catalogue-cache.js';
import { recordInputs, type RecordInput } from './record-inputs.repository.js';

/** An achievement described by the caller of a what-if preview (not in anyone's record). */
export interface DescribedAchievement {
  id?: string;
  catalogueItemId?: string;
  sourceInstitutionId?: string;
  kind?: ItemKind;
  platform?: string;
  level?: { frameworkId: string; version: string; level: number };
  fieldOfStudy?: string;
  credits?: string;
  creditSystemId?: string;
  notionalHours?: string;
  result?: string;
  gradingSchemeId?: string;
  completedOn: string;
}

/** How explanations name an achievement: the item's code and title (Chinese first), or the learning's title. */
function labelOf(item: CatalogueItem | undefined, learning?: NonCatalogueLearning | null): { label?: string } {
  const title = item ? item.title.zh ?? item.title.en : learning ? learning.title.zh ?? learning.title.en : undefined;
  const label = item ? (title ? `${item.code} ${title}` : item.code) : title;
  return label ? { label } : {};
}

const NON_CATALOGUE_KIND: Record<string, ItemKind> = { 'verified-certificate': 'certificate', 'work-based': 'work-based', rpl: 'rpl' };

function fromItem(item: CatalogueItem | undefined) {
  return {
    catalogueItemId: item ? engineItemId(item.institutionId, item.code) : null,
    catalogueItemVersion: item ? String(item.version) : null,
    kind: (item?.kind ?? 'course') as ItemKind,
    platform: item?.platform ?? null,
    level: item?.level ? { frameworkId: item.level.frameworkId, version: item.level.frameworkVersion, level: item.level.level } : null,
    fieldOfStudy: item?.iscedCode ?? null,
  };
}

/** The engine's view of a recorded achievement: current content, resolved through the catalogue. */
export function toEngineAchievement(a: RecordInput, items: Map<string, CatalogueItem>, defaultSystem: string): EngineAchievement {
  const c = a.current;
  const item = c.catalogueItemId ? items.get(c.catalogueItemId) : undefined;
  const learning = c.learning;
  const base = fromItem(item);
  return {
    id: a.id, learnerId: a.learnerId, sourceInstitutionId: item?.institutionId ?? a.institutionId, ...base,
    kind: item ? base.kind : NON_CATALOGUE_KIND[learning?.source ?? ''] ?? 'rpl',
    level: base.level ?? (learning?.level ? { frameworkId: learning.level.frameworkId, version: learning.level.frameworkVersion, level: learning.level.level } : null),
    fieldOfStudy: base.fieldOfStudy ?? learning?.iscedCode ?? null,
    credits: new Decimal(c.credits ?? item?.credits ?? '0'),
    creditSystemId: c.creditSystemId ?? item?.creditSystemId ?? learning?.creditSystemId ?? defaultSystem,
    notionalHours: item?.notionalHours ? new Decimal(item.notionalHours) : null,
    result: c.result ?? 'P',
    gradingSchemeId: item?.gradingSchemeId ?? learning?.gradingSchemeId ?? 'pass-fail',
    completedOn: c.completedOn,
    revoked: a.status === 'revoked',
    ...labelOf(item, learning),
  };
}

/** A learner's achievements (all, or the chosen ones), as the engine sees them. */
export async function learnerAchievements(db: Executor, learnerId: string, defaultSystem: string, ids?: string[], lookup: CatalogueLookup = catalogueItems): Promise<EngineAchievement[]> {
  const achievements = await recordInputs(db, learnerId, ids);
  const items = await lookup(db, achievements.flatMap((a) => (a.current.catalogueItemId ? [a.current.catalogueItemId] : [])));
  return achievements.map((a) => toEngineAchievement(a, items, defaultSystem));
}

/** Described achievements, filled in from the catalogue item they name (the caller's values win). */
export async function describedAchievements(db: Executor, list: DescribedAchievement[], defaultSystem: string, lookup: CatalogueLookup = catalogueItems): Promise<EngineAchievement[]> {
  const items = await lookup(db, list.flatMap((x) => (x.catalogueItemId ? [x.catalogueItemId] : [])));
  return list.map((x, i) => {
    const item = x.catalogueItemId ? items.get(x.catalogueItemId) : undefined;
    const base = fromItem(item);
    return {
      id: x.id ?? `a${String(i + 1).padStart(4, '0')}`, learnerId: 'preview', sourceInstitutionId: x.sourceInstitutionId ?? item?.institutionId ?? 'unknown',
      ...base, kind: x.kind ?? base.kind, platform: x.platform ?? base.platform, level: x.level ?? base.level,
      fieldOfStudy: x.fieldOfStudy ?? base.fieldOfStudy, credits: new Decimal(x.credits ?? item?.credits ?? '0'),
      creditSystemId: x.creditSystemId ?? item?.creditSystemId ?? defaultSystem,
      notionalHours: x.notionalHours ? new Decimal(x.notionalHours) : item?.notionalHours ? new Decimal(item.notionalHours) : null,
      result: x.result ?? 'P', gradingSchemeId: x.gradingSchemeId ?? item?.gradingSchemeId ?? 'pass-fail',
      completedOn: x.completedOn, revoked: false, ...labelOf(item),
    };
  });
}
