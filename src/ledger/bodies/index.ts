import type { LedgerBodies } from '../body-registry.js';
import { KEY_RESOURCE, rebuildKeys } from '../../keys/key-events.js';
import { ACHIEVEMENT_VERSION, rebuildAchievementVersions } from './achievement-versions.js';

/**
 * Body sources of the domains whose tables the ledger knows how to read. A domain may instead
 * register its own through `ctx.ledgerBodies.register(resourceType, rebuild)`.
 */
export function registerLedgerBodies(bodies: LedgerBodies): void {
  bodies.register(ACHIEVEMENT_VERSION, rebuildAchievementVersions);
  // key.created / key.rotated (written by the key store) and key.revoked.
  bodies.register(KEY_RESOURCE, rebuildKeys);
  // Every table whose rows keep the id of the entry that logged them.
  bodies.registerReference({ table: 'achievement_versions', column: 'ledger_entry_id', key: ['learner_id', 'achievement_id', 'version'] });
  bodies.registerReference({ table: 'recognition_decisions', column: 'ledger_entry_id', key: ['learner_id', 'id'] });
  bodies.registerReference({ table: 'awards', column: 'ledger_entry_id', key: ['learner_id', 'id'] });
  bodies.registerReference({ table: 'award_rescissions', column: 'ledger_entry_id', key: ['learner_id', 'award_id'] });
  bodies.registerReference({ table: 'requirement_waivers', column: 'ledger_entry_id', key: ['learner_id', 'id'] });
  bodies.registerReference({ table: 'requirement_waivers', column: 'revoked_entry_id', key: ['learner_id', 'id'] });
  bodies.registerReference({ table: 'recognised_credits', column: 'granted_entry_id', key: ['learner_id', 'id'] });
  bodies.registerReference({ table: 'recognised_credits', column: 'revoked_entry_id', key: ['learner_id', 'id'] });
  // Credentials keep no entry id: each must have its credential.issued entry, and a revoked or
  // suspended one the entry of that change.
  const credential = { table: 'credentials', idColumn: 'id', key: ['id'], resourceType: 'credential' };
  bodies.registerResourceReference({ ...credential, eventType: 'credential.issued' });
  bodies.registerResourceReference({ ...credential, eventType: 'credential.revoked', when: { column: 'status', equals: 'revoked' } });
  bodies.registerResourceReference({ ...credential, eventType: 'credential.suspended', when: { column: 'status', equals: 'suspended' } });
}
