import type { LedgerBodies } from '../body-registry.js';

/**
 * Body sources of the domains whose tables the ledger knows how to read. A domain may instead
 * register its own through `ctx.ledgerBodies.register(resourceType, rebuild)`.
 */
export function registerLedgerBodies(_bodies: LedgerBodies): void {
  // The records domain's achievement versions are registered once its module lands.
}
