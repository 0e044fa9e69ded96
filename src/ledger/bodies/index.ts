import type { LedgerBodies } from '../body-registry.js';
import { ACHIEVEMENT_VERSION, rebuildAchievementVersions } from './achievement-versions.js';

/**
 * Body sources of the domains whose tables the ledger knows how to read. A domain may instead
 * register its own through `ctx.ledgerBodies.register(resourceType, rebuild)`.
 */
export function registerLedgerBodies(bodies: LedgerBodies): void {
  bodies.register(ACHIEVEMENT_VERSION, rebuildAchievementVersions);
}
