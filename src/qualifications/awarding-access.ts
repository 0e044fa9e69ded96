import type { Principal } from '../auth/principal.js';
import { forbidden } from '../errors.js';
import type { InstitutionService } from '../institutions/institutions.service.js';

/**
 * Programmes name their awarding institution by slug (as the data files do), so "is this the
 * awarding institution" needs the caller's slug. Operators pass; learners never do.
 */
export async function isAwarding(institutions: InstitutionService, p: Principal, awardingSlug: string): Promise<boolean> {
  if (p.kind === 'operator') return true;
  if (p.kind !== 'institution') return false;
  return (await institutions.get(p.institutionId)).slug === awardingSlug;
}

export async function assertAwarding(institutions: InstitutionService, p: Principal, awardingSlug: string): Promise<void> {
  if (!(await isAwarding(institutions, p, awardingSlug))) {
    throw forbidden('not_awarding_institution', `Only the awarding institution (${awardingSlug}) may do this`);
  }
}
