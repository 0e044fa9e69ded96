import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { hashLeaf } from './hashing.js';

/** A ledger entry as published: personal data stays in the database, the log holds digests. */
export interface PublicLedgerEntry {
  /** 0-based leaf index in the Merkle tree (contiguous, assigned by the integrator). */
  index: number;
  /** ISO 8601 UTC time the change was recorded. */
  recordedAt: string;
  eventType: string;
  actor: string;
  /** Salted hash of the learner id, lowercase hex. */
  subjectRef: string;
  /** Lowercase hex SHA-256 of the RFC 8785 (JCS) canonical event body. */
  bodyDigest: string;
}

const HEX_DIGEST = /^[0-9a-f]{64}$/;

/** Why an entry is malformed, or undefined when it is well-formed. */
export function entryShapeError(entry: PublicLedgerEntry): string | undefined {
  if (!Number.isSafeInteger(entry.index) || entry.index < 0) return 'index is not a non-negative integer';
  for (const field of ['recordedAt', 'eventType', 'actor', 'subjectRef'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') return `${field} is not a non-empty string`;
  }
  if (Number.isNaN(Date.parse(entry.recordedAt))) return 'recordedAt is not a date';
  if (typeof entry.bodyDigest !== 'string' || !HEX_DIGEST.test(entry.bodyDigest)) {
    return 'bodyDigest is not 64 lowercase hex digits';
  }
  return undefined;
}

/** RFC 8785 canonical JSON text of a value; throws on values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/** Leaf input: UTF-8 of the JCS form of exactly the six public fields (extra fields ignored). */
export function leafInputOf(entry: PublicLedgerEntry): Uint8Array {
  const { index, recordedAt, eventType, actor, subjectRef, bodyDigest } = entry;
  const text = canonicalJson({ index, recordedAt, eventType, actor, subjectRef, bodyDigest });
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** The RFC 9162 leaf hash of a public ledger entry. */
export function leafHashOf(entry: PublicLedgerEntry): Uint8Array {
  return hashLeaf(leafInputOf(entry));
}

/** `bodyDigest` for an event body: hex SHA-256 of its JCS canonical UTF-8 bytes. */
export function eventBodyDigest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}
