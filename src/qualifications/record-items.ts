import { Decimal } from 'decimal.js';
import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import { convertCredits, type CreditSystem } from '../frameworks/credit-arithmetic.js';
import { compareResults, convertGrade, isPassing, isValidResult, type GradeConversionTable, type GradingScheme } from '../frameworks/grading.js';
import type { Achievement } from '../records/records.types.js';
import type { AuditItem, Programme } from './audit/programme.js';
import { duplicateKeyOf, eligibilityOf, sourceKindOf, type ProgrammeMapping, type RecordFacts } from './programme-mapping.js';

/** What the service could not turn into an audit item, with the reason (the engine never sees these). */
export interface ExcludedItem { itemId: string; reason: 'revoked' | 'no-credit' | 'credit-system' | 'recognised' | 'result_not_comparable'; detail: string }

/** Lookups the builder needs; all pure data, so the builder is testable without a database. */
export interface RecordContext {
  programme: Programme; mapping: ProgrammeMapping;
  catalogue: Map<string, CatalogueItem>;
  /** Institution id → slug. */
  slugs: Map<string, string>;
  gradingScheme(id: string): GradingScheme | undefined;
  /** A credit system with hours per credit, or undefined when it has none or is unknown. */
  creditSystem(id: string): CreditSystem | undefined;
  /** Loaded grade-conversion tables; minimum results in another scheme are compared through them. */
  gradeConversions?: readonly GradeConversionTable[];
}

export const catalogueRef = (slugs: Map<string, string>, item: CatalogueItem) => `${slugs.get(item.institutionId) ?? item.institutionId}:${item.code}`;

export function catalogueFacts(c: RecordContext, item: CatalogueItem): RecordFacts {
  return { institution: c.slugs.get(item.institutionId) ?? item.institutionId, code: catalogueRef(c.slugs, item), kind: item.kind, field: item.iscedCode };
}

/** Credits in the programme's credit system: as recorded, or converted by notional hours (never up). */
export function programmeCredits(c: RecordContext, credits: string | null, system: string | null, hours: string | null): Decimal | string {
  if (credits === null) return 'no credit value recorded';
  if (system === null || system === c.programme.creditSystem) return system === null ? 'no credit system recorded' : new Decimal(credits);
  const from = c.creditSystem(system);
  const to = c.creditSystem(c.programme.creditSystem);
  if (!from || !to) return `credits in ${system} cannot be converted to ${c.programme.creditSystem}`;
  return convertCredits(credits, from, to, hours === null ? {} : { hours }).credits;
}

/**
 * Checks a result against the programme's minimum results. Minimums in the item's own scheme
 * apply directly; otherwise each minimum is compared after converting the result through a
 * loaded grade-conversion table, and a result no table maps is 'not-comparable' (never a pass).
 */
export function resultCheck(c: RecordContext, schemeId: string | undefined, result: string | null): 'pass' | 'fail' | 'not-comparable' {
  if (result === null) return 'pass'; // a deposit without a result records a completion
  const scheme = schemeId === undefined ? undefined : c.gradingScheme(schemeId);
  if (!scheme || !isValidResult(scheme, result) || !isPassing(scheme, result)) return 'fail';
  const minimums = c.programme.minimumResults ?? [];
  const own = minimums.filter((m) => m.scheme === scheme.id && isValidResult(scheme, m.result));
  if (own.length > 0) return own.every((m) => compareResults(scheme, result, m.result) >= 0) ? 'pass' : 'fail';
  let outcome: 'pass' | 'fail' = 'pass';
  for (const m of minimums) {
    const target = c.gradingScheme(m.scheme);
    const table = (c.gradeConversions ?? []).find((t) => t.from === scheme.id && t.to === m.scheme);
    const converted = table ? convertGrade(table, scheme, result) : undefined;
    if (!target || converted === undefined || !isValidResult(target, converted) || !isValidResult(target, m.result)) return 'not-comparable';
    if (compareResults(target, converted, m.result) < 0) outcome = 'fail';
  }
  return outcome;
}

/** Passing by the grading module, and meeting every minimum result the programme sets (see resultCheck). */
export function passes(c: RecordContext, schemeId: string | undefined, result: string | null): boolean {
  return resultCheck(c, schemeId, result) === 'pass';
}

export function achievementFacts(c: RecordContext, a: Achievement): RecordFacts {
  const item = a.current.catalogueItemId ? c.catalogue.get(a.current.catalogueItemId) : undefined;
  if (item) return catalogueFacts(c, item);
  const l = a.current.learning;
  return { institution: c.slugs.get(a.institutionId) ?? a.institutionId, code: null, kind: l?.source ?? a.source, field: l?.iscedCode ?? null };
}

/** One achievement as an audit item, or the reason it cannot be one. */
export function achievementItem(c: RecordContext, a: Achievement): AuditItem | ExcludedItem {
  if (a.status === 'revoked') return { itemId: a.id, reason: 'revoked', detail: 'the achievement was revoked' };
  const item = a.current.catalogueItemId ? c.catalogue.get(a.current.catalogueItemId) : undefined;
  const credits = programmeCredits(c, a.current.credits ?? item?.credits ?? null, a.current.creditSystemId ?? item?.creditSystemId ?? null, item?.notionalHours ?? null);
  if (typeof credits === 'string') return { itemId: a.id, reason: credits.startsWith('credits in') ? 'credit-system' : 'no-credit', detail: credits };
  const facts = achievementFacts(c, a);
  const scheme = item?.gradingSchemeId ?? a.current.learning?.gradingSchemeId;
  const check = resultCheck(c, scheme, a.current.result);
  if (check === 'not-comparable') {
    return { itemId: a.id, reason: 'result_not_comparable', detail: `result ${a.current.result} in ${scheme} cannot be compared with the programme's minimum results (no grade conversion)` };
  }
  return {
    id: a.id, credits, eligibleFor: eligibilityOf(c.mapping, facts), provider: facts.institution,
    sourceKind: sourceKindOf(c.mapping, facts), atAwardingInstitution: facts.institution === c.programme.awardingInstitution,
    viaRecognition: false, date: a.current.completedOn.slice(0, 10), passing: check === 'pass',
    ...(a.current.result !== null ? { result: a.current.result } : {}),
    ...(facts.code !== null ? { catalogueItemId: facts.code } : {}),
    ...withDuplicateKey(duplicateKeyOf(c.mapping, facts.code)),
    title: item ? (item.title.zh ?? item.title.en ?? item.code) : (a.current.learning?.title.zh ?? a.current.learning?.title.en ?? a.externalId),
  };
}

const withDuplicateKey = (key: string | undefined) => (key === undefined ? {} : { duplicateKey: key });
export const isExcluded = (x: AuditItem | ExcludedItem): x is ExcludedItem => 'reason' in x;
