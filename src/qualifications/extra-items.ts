import { Decimal } from 'decimal.js';
import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import type { Achievement } from '../records/records.types.js';
import type { AuditItem, CandidateItem } from './audit/programme.js';
import { duplicateKeyOf, eligibilityOf, sourceKindOf } from './programme-mapping.js';
import { achievementFacts, catalogueFacts, passes, programmeCredits, type ExcludedItem, type RecordContext } from './record-items.js';

/** A recognised credit (from the recognition domain) as the audit reads it. */
export interface RecognisedCredit {
  id: string; credits: string; category: string; targetItemId: string | null;
  sourceAchievementIds: string[]; sourceInstitutionIds: string[]; recognisedOn: string;
  /** The recognition programme the credit was granted for, if any. */
  programmeId: string | null;
  /** Trust-list entries of the external issuers of imported credentials the credit rests on. */
  sourceTrustEntryIds?: string[];
  /** The credit system the target granted in (its caps policy's on the day, else the home system); set by the audit service. */
  creditSystemId?: string;
}

/**
 * A recognised credit counts instead of its source achievements (never both): it is earned
 * elsewhere (not residency), via recognition, on the date the source learning was completed.
 */
export function recognisedItem(c: RecordContext, r: RecognisedCredit, sources: Map<string, Achievement>): AuditItem | ExcludedItem {
  // Granted in the target's credit system, which need not be the programme's: converted by notional hours like any credit.
  const credits = programmeCredits(c, r.credits, r.creditSystemId ?? c.programme.creditSystem, null);
  if (typeof credits === 'string') return { itemId: `recognised:${r.id}`, reason: 'credit-system', detail: credits };
  const target = r.targetItemId ? c.catalogue.get(r.targetItemId) : undefined;
  const source = r.sourceAchievementIds.map((id) => sources.get(id)).find((a) => a !== undefined);
  const sourceFacts = source ? achievementFacts(c, source) : undefined;
  const targetFacts = target ? catalogueFacts(c, target) : undefined;
  // An external issuer (credit resting on an import) is its trust-list entry, as the recognition engine names it.
  const external = r.sourceTrustEntryIds?.[0];
  const provider = sourceFacts?.institution ?? c.slugs.get(r.sourceInstitutionIds[0] ?? '') ?? (external ? `trusted-issuer:${external}` : 'unknown');
  const code = targetFacts?.code ?? null;
  const key = duplicateKeyOf(c.mapping, code);
  return {
    id: `recognised:${r.id}`, credits,
    eligibleFor: [...new Set([r.category, ...(targetFacts ? eligibilityOf(c.mapping, targetFacts) : [])])],
    provider, sourceKind: sourceFacts ? sourceKindOf(c.mapping, sourceFacts) : 'recognised-credit',
    atAwardingInstitution: false, viaRecognition: true,
    date: (source?.current.completedOn ?? r.recognisedOn).slice(0, 10), passing: true,
    ...(code !== null ? { catalogueItemId: code } : {}), ...(key ? { duplicateKey: key } : {}),
    title: target ? (target.title.zh ?? target.title.en ?? target.code) : `Recognised credit (${r.category})`,
  };
}

/** Source achievements replaced by a recognised credit. */
export function replacedBy(credits: RecognisedCredit[]): Map<string, ExcludedItem> {
  return new Map(credits.flatMap((r) => r.sourceAchievementIds.map((id) => [id, { itemId: id, reason: 'recognised' as const, detail: `counted through recognised credit ${r.id}` }])));
}

/** A catalogue item the learner is considering, as a hypothetical audit item. */
export function hypotheticalItem(c: RecordContext, id: string, item: CatalogueItem, result: string | null, date: string): AuditItem | string {
  const credits = programmeCredits(c, item.credits, item.creditSystemId, item.notionalHours);
  if (typeof credits === 'string') return credits;
  const facts = catalogueFacts(c, item);
  const key = duplicateKeyOf(c.mapping, facts.code);
  return {
    id, credits, eligibleFor: eligibilityOf(c.mapping, facts), provider: facts.institution, sourceKind: sourceKindOf(c.mapping, facts),
    atAwardingInstitution: facts.institution === c.programme.awardingInstitution, viaRecognition: false, date,
    passing: passes(c, item.gradingSchemeId, result), ...(result !== null ? { result } : {}),
    catalogueItemId: facts.code!, ...(key ? { duplicateKey: key } : {}), title: item.title.zh ?? item.title.en ?? item.code,
  };
}

/** A catalogue item offered as a suggestion for missing credit. */
export function candidateItem(c: RecordContext, item: CatalogueItem): CandidateItem | undefined {
  const credits = programmeCredits(c, item.credits, item.creditSystemId, item.notionalHours);
  if (typeof credits === 'string' || credits.isZero()) return undefined;
  const facts = catalogueFacts(c, item);
  const key = duplicateKeyOf(c.mapping, facts.code);
  return {
    catalogueItemId: facts.code!, credits, eligibleFor: eligibilityOf(c.mapping, facts), provider: facts.institution,
    sourceKind: sourceKindOf(c.mapping, facts), atAwardingInstitution: facts.institution === c.programme.awardingInstitution,
    viaRecognition: false, title: item.title.zh ?? item.title.en ?? item.code, ...(key ? { duplicateKey: key } : {}),
  };
}
