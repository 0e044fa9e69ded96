import { decodeJwt } from 'jose';
import { asJsonObject } from '../core/credential-fields.js';
import type { JsonObject } from '../core/did-key.js';
import { credentialFromPayload } from '../core/jose-suite.js';
import { presentedCredentials } from '../core/presentations.js';
import { isCompactJws } from '../core/suites.js';

/**
 * The credentials a CLR 2.0 ClrCredential bundles (its ClrSubject's verifiableCredential), in order:
 * a credential object as it is, a VCDM 2.0 enveloped JWT credential as its compact JWS text. Entries
 * that are no credential at all (null, a number, an object without @context) are left out: the CLR's
 * own shape check reports them, and they would make imports of nothing.
 */
export function bundledCredentials(clr: JsonObject | undefined): unknown[] {
  const subject = asJsonObject(Array.isArray(clr?.credentialSubject) ? clr.credentialSubject[0] : clr?.credentialSubject);
  const listed = subject ? presentedCredentials({ verifiableCredential: subject.verifiableCredential ?? [] }) : [];
  return listed.filter((c) => isCompactJws(c) || '@context' in (asJsonObject(c) ?? {}));
}

/** How a bundled credential is kept when it becomes an import of its own (and what its digest is of). */
export const partOriginal = (part: unknown): string => (typeof part === 'string' ? part.trim() : JSON.stringify(part));

/** The kept texts of the credentials bundled in a stored CLR import (JSON text or compact JWS). */
export function clrPartOriginals(original: string): string[] {
  let clr: JsonObject | undefined;
  try {
    clr = original.startsWith('{') ? asJsonObject(JSON.parse(original)) : credentialFromPayload(decodeJwt(original) as JsonObject).credential;
  } catch {
    return []; // judged readable at import: unreadable only if stored by hand
  }
  return bundledCredentials(clr).map(partOriginal);
}
