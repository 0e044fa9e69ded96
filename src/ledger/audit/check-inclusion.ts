import {
  decodeProofHashes,
  entryShapeError,
  hashFromBase64,
  leafHashOf,
  toBase64,
  verifyInclusion,
  verifyTreeHead,
  type InclusionProofJson,
  type KeyResolver,
  type PublicLedgerEntry,
  type SignedTreeHead,
  type TreeHead,
  type TreeHeadCheck,
} from '../merkle/index.js';

export type InclusionCheck = { ok: true; leafHash: string; head: TreeHead } | { ok: false; reason: string };

/**
 * Is this record event or credential entry in the log? Checks the bank's signature on the
 * head, then the RFC 9162 inclusion proof of the entry's recomputed leaf against its root.
 */
export async function checkInclusion(
  entry: PublicLedgerEntry,
  proof: InclusionProofJson,
  signedHead: SignedTreeHead,
  resolveKey: KeyResolver,
  /** The head's signature check; a caller that memoises checks of exact heads passes its own. */
  checkHead: (head: SignedTreeHead, resolveKey: KeyResolver) => Promise<TreeHeadCheck> = verifyTreeHead,
): Promise<InclusionCheck> {
  const shape = entryShapeError(entry);
  if (shape) return { ok: false, reason: `entry: ${shape}` };
  const headCheck = await checkHead(signedHead, resolveKey);
  if (!headCheck.ok) return { ok: false, reason: `tree head: ${headCheck.reason}` };
  const { head } = headCheck;
  if (proof.leafIndex !== entry.index) return { ok: false, reason: 'proof is for another entry index' };
  if (proof.treeSize !== head.treeSize) return { ok: false, reason: 'proof is for another tree size than the signed head' };
  const hashes = Array.isArray(proof.hashes) ? decodeProofHashes(proof.hashes) : undefined;
  if (!hashes) return { ok: false, reason: 'proof hashes are not base64 SHA-256 values' };
  const leafHash = leafHashOf(entry);
  if (!verifyInclusion(entry.index, head.treeSize, leafHash, hashes, hashFromBase64(head.rootHash)!)) {
    return { ok: false, reason: `entry ${entry.index} is not in the signed tree of size ${head.treeSize}` };
  }
  return { ok: true, leafHash: toBase64(leafHash), head };
}
