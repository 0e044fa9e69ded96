import { createHash } from 'node:crypto';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** RFC 9162 §2.1.1: the hash of an empty tree is SHA-256 of the empty string. */
export const EMPTY_ROOT_HASH: Uint8Array = new Uint8Array(createHash('sha256').digest());

/** Leaf hash: SHA-256(0x00 || input), RFC 9162 §2.1.1. */
export function hashLeaf(input: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(LEAF_PREFIX).update(input).digest());
}

/** Interior node hash: SHA-256(0x01 || left || right), RFC 9162 §2.1.1. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest(),
  );
}

/** Constant-shape byte comparison (hashes are public, so timing is not a concern). */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 → bytes; undefined when the text is not canonical base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  // Buffer.from silently skips junk characters, so validate first: a lenient decoder would let
  // two different strings denote the same hash.
  if (!BASE64.test(text)) return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  return toBase64(bytes) === text ? bytes : undefined;
}

/** Base64 text of a 32-byte hash → bytes; undefined if malformed or the wrong length. */
export function hashFromBase64(text: string): Uint8Array | undefined {
  const bytes = fromBase64(text);
  return bytes?.length === HASH_SIZE ? bytes : undefined;
}
