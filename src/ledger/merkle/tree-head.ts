import type { KeyObject, webcrypto } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { hashFromBase64 } from './hashing.js';
import { canonicalJson } from './ledger-entry.js';

/**
 * What the bank signs. `rootHash` is standard base64 of the 32-byte root; `timestamp` is
 * milliseconds since the Unix epoch (an integer, as in CT, so JCS gives one exact form).
 */
export interface TreeHead {
  treeSize: number;
  rootHash: string;
  timestamp: number;
}

/**
 * A tree head with its signature: `signature` is a compact JWS (alg EdDSA, Ed25519 key, `kid`
 * and `typ: ledger-tree-head+jws` in the protected header) whose payload is the UTF-8 of the
 * RFC 8785 canonical JSON of exactly the three TreeHead fields. The plain fields are a
 * readable copy; verification checks they match the signed payload.
 */
export interface SignedTreeHead extends TreeHead {
  kid: string;
  signature: string;
}

export type VerificationKey = webcrypto.CryptoKey | KeyObject;
/** Looks up the bank's public key by `kid` (old keys stay resolvable after rotation). */
export type KeyResolver = (kid: string) => Promise<VerificationKey | undefined> | VerificationKey | undefined;

export type TreeHeadCheck = { ok: true; head: TreeHead } | { ok: false; reason: string };

export const TREE_HEAD_JWS_TYPE = 'ledger-tree-head+jws';

/** Why `head` is malformed, or undefined. */
export function treeHeadShapeError(head: TreeHead): string | undefined {
  if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 0) return 'treeSize is not a non-negative integer';
  if (typeof head.rootHash !== 'string' || !hashFromBase64(head.rootHash)) return 'rootHash is not base64 of 32 bytes';
  if (!Number.isSafeInteger(head.timestamp) || head.timestamp < 0) return 'timestamp is not integer milliseconds';
  return undefined;
}

/** The exact bytes that are signed: JCS of { treeSize, rootHash, timestamp }. */
export function treeHeadPayload(head: TreeHead): Uint8Array {
  const { treeSize, rootHash, timestamp } = head;
  return new Uint8Array(Buffer.from(canonicalJson({ treeSize, rootHash, timestamp }), 'utf8'));
}

/** Sign a tree head with the bank's Ed25519 private key. */
export async function signTreeHead(head: TreeHead, privateKey: VerificationKey, kid: string): Promise<SignedTreeHead> {
  const problem = treeHeadShapeError(head);
  if (problem) throw new RangeError(`cannot sign tree head: ${problem}`);
  const signature = await new CompactSign(treeHeadPayload(head))
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: TREE_HEAD_JWS_TYPE })
    .sign(privateKey);
  const { treeSize, rootHash, timestamp } = head;
  return { treeSize, rootHash, timestamp, kid, signature };
}

/** Verify the JWS and that the readable fields are exactly what was signed. Never throws. */
export async function verifyTreeHead(signed: SignedTreeHead, resolveKey: KeyResolver): Promise<TreeHeadCheck> {
  const shape = treeHeadShapeError(signed);
  if (shape) return { ok: false, reason: shape };
  let header;
  try {
    header = decodeProtectedHeader(signed.signature);
  } catch {
    return { ok: false, reason: 'signature is not a compact JWS' };
  }
  if (header.alg !== 'EdDSA' || header.typ !== TREE_HEAD_JWS_TYPE) return { ok: false, reason: 'unexpected JWS header' };
  // The signing input covers the header and payload as text, but not the signature's own text: base64url
  // leaves 4 bits of its last character unused, and a decoder ignores them. So a head whose signature
  // text was changed there would still verify; an auditor holds the export to the exact text signed.
  const sig = signed.signature.slice(signed.signature.lastIndexOf('.') + 1);
  if (Buffer.from(sig, 'base64url').toString('base64url') !== sig) return { ok: false, reason: 'signature is not in canonical base64url' };
  if (header.kid !== signed.kid) return { ok: false, reason: 'kid does not match the JWS header' };
  let key: VerificationKey | undefined;
  try {
    key = await resolveKey(signed.kid);
  } catch (cause) {
    return { ok: false, reason: `key ${signed.kid} could not be resolved: ${String(cause)}` };
  }
  if (!key) return { ok: false, reason: `unknown key ${signed.kid}` };
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(signed.signature, key, { algorithms: ['EdDSA'] }));
  } catch {
    return { ok: false, reason: 'signature does not verify' };
  }
  if (Buffer.compare(Buffer.from(payload), Buffer.from(treeHeadPayload(signed))) !== 0) {
    return { ok: false, reason: 'signed payload differs from the tree head fields' };
  }
  const { treeSize, rootHash, timestamp } = signed;
  return { ok: true, head: { treeSize, rootHash, timestamp } };
}
