import {
  decodeProofHashes,
  hashFromBase64,
  treeHeadShapeError,
  verifyConsistency,
  verifyTreeHead,
  type ConsistencyProofJson,
  type KeyResolver,
  type SignedTreeHead,
} from '../merkle/index.js';
import type { AuditProblem } from './audit-types.js';

/** Signed heads sorted by size, grouped so that all heads of one size are judged together. */
export function groupHeadsBySize(heads: readonly SignedTreeHead[]): SignedTreeHead[][] {
  const sorted = [...heads].sort((a, b) => a.treeSize - b.treeSize || a.timestamp - b.timestamp);
  const groups: SignedTreeHead[][] = [];
  for (const head of sorted) {
    const last = groups.at(-1);
    if (last && last[0]!.treeSize === head.treeSize) last.push(head);
    else groups.push([head]);
  }
  return groups;
}

/** Shape and signature of every head in a same-size group, then agreement among them. */
export async function checkHeadGroup(group: SignedTreeHead[], resolveKey: KeyResolver): Promise<AuditProblem | undefined> {
  for (const head of group) {
    const treeSize = head.treeSize;
    const shape = treeHeadShapeError(head);
    if (shape) return { kind: 'invalid-head', treeSize, message: `tree head of size ${treeSize}: ${shape}` };
    const check = await verifyTreeHead(head, resolveKey);
    if (!check.ok) {
      return { kind: 'bad-signature', treeSize, message: `tree head of size ${treeSize} (timestamp ${head.timestamp}): ${check.reason}` };
    }
    const first = group[0]!;
    if (head.rootHash !== first.rootHash) {
      return {
        kind: 'forked-heads',
        treeSize,
        expected: first.rootHash,
        found: head.rootHash,
        message: `two validly signed heads of size ${treeSize} have different roots (timestamps ${first.timestamp} and ${head.timestamp})`,
      };
    }
  }
  return undefined;
}

/** Verify one served consistency proof against roots of heads already verified. */
export function checkConsistencyProof(
  proof: ConsistencyProofJson,
  verifiedRoots: ReadonlyMap<number, string>,
): AuditProblem | undefined {
  const { first, second } = proof;
  const fail = (why: string): AuditProblem => ({
    kind: 'bad-consistency-proof',
    treeSize: second,
    message: `consistency proof ${first} → ${second}: ${why}`,
  });
  const root1 = verifiedRoots.get(first);
  const root2 = verifiedRoots.get(second);
  if (root1 === undefined || root2 === undefined) return fail('no verified tree head of one of these sizes');
  const hashes = Array.isArray(proof.hashes) ? decodeProofHashes(proof.hashes) : undefined;
  if (!hashes) return fail('hashes are not base64 SHA-256 values');
  if (!verifyConsistency(first, second, hashFromBase64(root1)!, hashFromBase64(root2)!, hashes)) {
    return fail('does not verify: the second head is not an append-only extension of the first');
  }
  return undefined;
}
