import type { Executor } from '../../db/database.js';
import type { BodyRebuilder, EntryRef, LedgerBodies } from '../../ledger/body-registry.js';
import type { JsonObject } from '../core/did-key.js';
import * as repo from '../issuance/credentials.repository.js';
import { issuedEventBody } from '../issuance/issuance.service.js';
import { rebuildTrustedIssuers } from '../trust-list/trust-list-bodies.js';

/**
 * Ledger event bodies of the credentials domain, written and rebuilt by the same functions, so the
 * ledger's database check covers `credential` and `credential_import` entries (`key` entries are
 * the key store's, src/keys/key-events.ts).
 */

/** credential.revoked / suspended / unsuspended. A revocation is final, so its reason is in the row for good;
 * a suspension's reason is overwritten by the next change, so it lives in the audit trail, not the body. */
export function statusEventBody(credentialId: string, status: 'revoked' | 'suspended' | 'active', reason: string | null): JsonObject {
  return status === 'revoked' ? { credentialId, status, reason } : { credentialId, status };
}

// Key bodies belong to the key store, which logs every key it creates; re-exported for this domain's callers.
export { keyAddedBody as keyRotatedBody, keyRevokedBody } from '../../keys/key-events.js';

/** credential.imported; the trust-list entry that made the issuer trusted is named when there is one (older bodies have none). */
export function importedBody(r: { id: string; digest: string; format: string; verification: string; verified: boolean; trusted_issuer: boolean; trust_entry_id?: string | null; part_of?: string | null }): JsonObject {
  const body: JsonObject = { importId: r.id, digest: r.digest, format: r.format, verification: r.verification, verified: r.verified, trustedIssuer: r.trusted_issuer };
  if (r.trust_entry_id) body.trustEntryId = r.trust_entry_id;
  if (r.part_of) body.partOf = r.part_of; // a credential bundled in an imported CLR
  return body;
}

const UUID = /^[0-9a-f-]{36}$/i;
const ids = (entries: readonly EntryRef[], shape = UUID) => [...new Set(entries.map((e) => e.resourceId).filter((id) => shape.test(id)))];
const STATUS_OF: Record<string, 'revoked' | 'suspended' | 'active'> = {
  'credential.revoked': 'revoked', 'credential.suspended': 'suspended', 'credential.unsuspended': 'active',
};

/** A status event's body is rebuilt from the row as it is now (its status may have moved on: then it mismatches). */
export const rebuildCredentials: BodyRebuilder = async (db: Executor, entries) => {
  const list = ids(entries);
  const rows = list.length === 0 ? [] : await repo.findCredentials(db, list);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<number, unknown>();
  for (const e of entries) {
    const row = byId.get(e.resourceId);
    if (!row) continue;
    if (e.eventType === 'credential.issued') out.set(e.id, issuedEventBody(row));
    else if (STATUS_OF[e.eventType] === 'revoked') out.set(e.id, statusEventBody(row.id, row.status, row.status_reason));
    else if (STATUS_OF[e.eventType]) out.set(e.id, statusEventBody(row.id, STATUS_OF[e.eventType]!, null));
  }
  return out;
};

export const rebuildImports: BodyRebuilder = async (db: Executor, entries) => {
  const list = ids(entries);
  const rows = list.length === 0 ? [] : await db.selectFrom('credential_imports').select(['id', 'digest', 'format', 'verification', 'verified', 'trusted_issuer', 'trust_entry_id', 'part_of'])
    .where('id', 'in', list).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<number, unknown>();
  for (const e of entries) if (byId.has(e.resourceId)) out.set(e.id, importedBody(byId.get(e.resourceId)!));
  return out;
};

export function registerCredentialBodies(bodies: LedgerBodies): void {
  bodies.register('credential', rebuildCredentials);
  bodies.register('credential_import', rebuildImports);
  bodies.register('trusted_issuer', rebuildTrustedIssuers);
}
