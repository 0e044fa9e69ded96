import type { ImportInputs } from '../evaluation/import-inputs.js';

export const NO_IMPORTS: ImportInputs = { achievements: [], institutionSources: new Set(), trustEntrySources: new Set(), evidence: new Map() };

/** The rule's evidence, and a citation of each import the grant rests on. */
export const grantEvidence = (ruleEvidence: readonly string[], ids: readonly string[], imports: ImportInputs): string[] =>
  [...ruleEvidence, ...ids.flatMap((id) => imports.evidence.get(id) ?? [])];

/**
 * What a grant rests on, from the engine's ids: deposited achievements and credential imports apart,
 * and the engine's sources split into bank institutions and trust-list entries (an external
 * issuer's entry is the engine's source for its imports, but it is not an institution of the bank).
 */
export function grantSources(ids: readonly string[], institutionIds: readonly string[], imports: ImportInputs) {
  const importIds = new Set(imports.achievements.map((a) => a.id));
  const notInstitutions = new Set(imports.achievements.map((a) => a.sourceInstitutionId).filter((id) => !imports.institutionSources.has(id)));
  return {
    achievementIds: ids.filter((id) => !importIds.has(id)),
    importIds: ids.filter((id) => importIds.has(id)),
    institutionIds: institutionIds.filter((id) => !notInstitutions.has(id)),
    trustEntryIds: institutionIds.filter((id) => imports.trustEntrySources.has(id)),
  };
}
