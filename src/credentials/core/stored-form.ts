import { createHash } from 'node:crypto';
import type { SignedCredential } from './suites.js';

/** An RFC 8785 canonicaliser (the `canonicalize` package). */
export type Canonicalize = (value: unknown) => string | undefined;

/**
 * The SHA-256 (hex) of a credential's stored form, which its credential.issued ledger entry
 * records: the compact JWS text of a JOSE credential, or the RFC 8785 text of a signed JSON one.
 * The canonicaliser is passed in because signing worker threads must load the `canonicalize`
 * package with import() (under tsx they load their modules through require, and the package
 * exports only an import entry); the main thread passes its static import. Same package, same text.
 */
export function storedFormDigest(signed: SignedCredential, canonicalize: Canonicalize): string {
  const text = typeof signed === 'string' ? signed : canonicalize(signed) ?? '';
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The stored-form digest of a credential as presented to the verifier: of the JWS text when it came
 * (a JWT), else of the credential object; undefined when the input is neither.
 */
export function presentedDigest(input: unknown, canonicalize: Canonicalize): string | undefined {
  if (typeof input === 'string') return storedFormDigest(input.trim(), canonicalize);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  return storedFormDigest(input as Exclude<SignedCredential, string>, canonicalize);
}
