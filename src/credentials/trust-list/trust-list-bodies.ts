import { createHash } from 'node:crypto';
import type { Executor } from '../../db/database.js';
import type { BodyRebuilder } from '../../ledger/body-registry.js';
import { canonicalJson } from '../../ledger/merkle/ledger-entry.js';
import type { JsonObject } from '../core/did-key.js';
import { findEntries, type TrustedIssuerRow } from './trusted-issuers.repository.js';

/** SHA-256 of the key material an entry was added with (its DID document and OB 2.0 keys, RFC 8785). */
export function materialDigest(r: { did_document: unknown; public_keys: unknown }): string {
  return createHash('sha256').update(canonicalJson({ didDocument: r.did_document ?? null, publicKeys: r.public_keys ?? [] }), 'utf8').digest('hex');
}

/** trusted_issuer.added: which issuer, under which names, with which key material. */
export function addedBody(r: TrustedIssuerRow): JsonObject {
  return { trustedIssuerId: r.id, issuerId: r.issuer_id, kind: r.kind, name: { en: r.name_en, zh: r.name_zh }, materialDigest: materialDigest(r) };
}

/** trusted_issuer.removed: the removal is final, so its reason stays in the row. */
export function removedBody(r: TrustedIssuerRow): JsonObject {
  return { trustedIssuerId: r.id, issuerId: r.issuer_id, removedAt: r.removed_at?.toISOString() ?? null, reason: r.removal_reason };
}

export const rebuildTrustedIssuers: BodyRebuilder = async (db: Executor, entries) => {
  const rows = await findEntries(db, [...new Set(entries.map((e) => e.resourceId).filter((id) => /^[0-9a-f-]{36}$/i.test(id)))]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<number, unknown>();
  for (const e of entries) {
    const row = byId.get(e.resourceId);
    if (!row) continue;
    if (e.eventType === 'trusted_issuer.added') out.set(e.id, addedBody(row));
    else if (e.eventType === 'trusted_issuer.removed' && row.removed_at) out.set(e.id, removedBody(row));
  }
  return out;
};
