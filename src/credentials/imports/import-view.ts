import type { JsonObject } from '../core/did-key.js';
import type { TrustedIssuer } from '../trust-list/trust-list.service.js';
import type { ImportMarkRow, ImportRow } from './imports.repository.js';

/** How an imported credential was judged, as the learner's record shows it. */
export interface ImportMark {
  id: string; format: string; verification: string; verified: boolean; name: string | null;
  issuer: string | null; trustedIssuer: boolean;
  /** Verified and from an issuer the bank trusted when it was imported: the only imports recognition may rely on. */
  countsForRecognition: boolean;
  /** The trust-list entry that made the issuer trusted at import time, and whether it is still in force. */
  trustEntry: { id: string; status: 'active' | 'removed'; removedAt: string | null } | null;
  importedAt: string;
  /** For a credential that came bundled in an imported CLR: that CLR's import. */
  partOf: string | null;
}

export interface ImportItem extends ImportMark {
  checks: unknown;
  /** The credential exactly as it was imported (JSON, or the compact JWS text), and its SHA-256. */
  evidence: { digest: string; mediaType: 'application/json' | 'application/jwt'; credential: JsonObject | string };
}

/**
 * Trust is judged once, at import: a later removal of the issuer from the trust list does not
 * rewrite an import's provenance (or its ledger entry), it only shows as trustEntry.status.
 */
export function importMark(r: ImportMarkRow, entries: ReadonlyMap<string, TrustedIssuer> = new Map()): ImportMark {
  const entry = r.trust_entry_id ? entries.get(r.trust_entry_id) : undefined;
  return {
    id: r.id, format: r.format, verification: r.verification, verified: r.verified, name: r.name,
    issuer: r.issuer, trustedIssuer: r.trusted_issuer, countsForRecognition: countsForRecognition(r),
    trustEntry: entry ? { id: entry.id, status: entry.status, removedAt: entry.removedAt } : null,
    importedAt: r.created_at.toISOString(), partOf: r.part_of,
  };
}

export function importItem(r: ImportRow, entries: ReadonlyMap<string, TrustedIssuer> = new Map()): ImportItem {
  const json = r.original.startsWith('{');
  return {
    ...importMark(r, entries), checks: typeof r.checks === 'string' ? JSON.parse(r.checks) : r.checks,
    evidence: { digest: r.digest, mediaType: json ? 'application/json' : 'application/jwt', credential: json ? JSON.parse(r.original) as JsonObject : r.original },
  };
}

/**
 * Only a cryptographically verified credential whose issuer was trusted counts (hosted OB 2.0 and
 * OB 1.x never are). A CLR counts through the credentials it bundles, each an import of its own.
 */
export function countsForRecognition(r: { format: string; verified: boolean; trusted_issuer: boolean }): boolean {
  return r.format !== 'clr' && r.verified && r.trusted_issuer;
}
