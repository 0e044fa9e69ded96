import type { ImportInputs } from '../evaluation/import-inputs.js';

export const NO_IMPORTS: ImportInputs = { achievements: [], institutionSources: new Set(), evidence: new Map() };

/** The rule's evidence, and a citation of each import the grant rests on. */
export const grantEvidence = (ruleEvidence: readonly string[], ids: readonly string[], imports: ImportInputs): string[] =>
  [...ruleEvidence, ...ids.flatMap((id) => imports.evidence.get(id) ?? [])];

/**
 * What a grant rests on, from the engine's ids: deposited achievements and credential imports apart,
 * and as source institutions only bank institutions (an external issuer's trust-list entry is the
 * engine's source for its imports, but it is not an institution of the bank).
 */
export function grantSources(ids: readonly string[], institutionIds: readonly string[], imports: ImportInputs) {
  const importIds = new Set(imports.achievements.map((a) => a.id));
  const external = new Set(imports.achievements.map((a) => a.sourceInstitutionId).filter((id) => !imports.institutionSources.has(id)));
  return {
    achievementIds: ids.filter((id) => !importIds.has(id)),
    importIds: ids.filter((id) => importIds.has(id)),
    institutionIds: institutionIds.filter((id) => !external.has(id)),
  };
}
