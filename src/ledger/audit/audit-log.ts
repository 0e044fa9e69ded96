import {
  MerkleFrontier,
  entryShapeError,
  leafHashOf,
  toBase64,
  type ConsistencyProofJson,
  type SignedTreeHead,
} from '../merkle/index.js';
import { checkConsistencyProof, checkHeadGroup, groupHeadsBySize } from './audit-heads.js';
import type { AuditEntry, AuditInput, AuditProblem, AuditReport } from './audit-types.js';

/** Per-run state; memory is O(log n) for the tree plus O(number of heads and proofs). */
class LogAudit {
  readonly frontier = MerkleFrontier.empty();
  readonly groups: SignedTreeHead[][];
  nextGroup = 0;
  headsChecked = 0;
  proofsChecked = 0;
  readonly verifiedRoots = new Map<number, string>();
  lastVerified: SignedTreeHead | undefined;
  readonly proofsBySecond = new Map<number, ConsistencyProofJson[]>();

  constructor(readonly input: AuditInput) {
    this.groups = groupHeadsBySize(input.heads);
    for (const proof of input.consistencyProofs ?? []) {
      const list = this.proofsBySecond.get(proof.second) ?? [];
      list.push(proof);
      this.proofsBySecond.set(proof.second, list);
    }
  }

  checkEntry(entry: AuditEntry): AuditProblem | undefined {
    const expected = this.frontier.size;
    const shape = entryShapeError(entry);
    if (shape) return { kind: 'invalid-entry', entryIndex: expected, message: `entry at position ${expected}: ${shape}` };
    if (entry.index !== expected) {
      const why = entry.index > expected ? `entries ${expected}…${entry.index - 1} are missing` : 'an entry is repeated or out of order';
      return {
        kind: 'index-gap',
        entryIndex: expected,
        expected: String(expected),
        found: String(entry.index),
        message: `expected entry ${expected}, found ${entry.index}: ${why}`,
      };
    }
    const leafHash = leafHashOf(entry);
    if (entry.leafHash !== undefined && entry.leafHash !== toBase64(leafHash)) {
      return {
        kind: 'leaf-hash-mismatch',
        entryIndex: expected,
        expected: toBase64(leafHash),
        found: entry.leafHash,
        message: `entry ${expected} does not hash to the leaf hash the log stored: it was rewritten`,
      };
    }
    this.frontier.append(leafHash);
    return undefined;
  }

  /** Judge every head group whose size the recomputed tree has now reached. */
  async checkHeadsUpTo(size: number): Promise<AuditProblem | undefined> {
    while (this.nextGroup < this.groups.length && this.groups[this.nextGroup]![0]!.treeSize <= size) {
      const group = this.groups[this.nextGroup++]!;
      const problem =
        (await checkHeadGroup(group, this.input.resolveKey)) ??
        this.checkAgainstTree(group[0]!) ??
        this.checkProofsEndingAt(group[0]!.treeSize);
      this.headsChecked += group.length;
      if (problem) return problem;
    }
    return undefined;
  }

  checkAgainstTree(head: SignedTreeHead): AuditProblem | undefined {
    const { treeSize } = head;
    const previous = this.lastVerified;
    if (previous && previous.timestamp > head.timestamp) {
      return {
        kind: 'timestamp-regression',
        treeSize,
        expected: `≥ ${previous.timestamp}`,
        found: String(head.timestamp),
        message: `tree head of size ${treeSize} is dated before the head of size ${previous.treeSize}`,
      };
    }
    const recomputed = toBase64(this.frontier.root());
    if (recomputed !== head.rootHash) {
      const from = previous?.treeSize ?? 0;
      return {
        kind: 'root-mismatch',
        treeSize,
        expected: recomputed,
        found: head.rootHash,
        suspectRange: { from, to: treeSize },
        message: `entries 0…${treeSize - 1} do not hash to the signed root of size ${treeSize}: an entry in ${from}…${treeSize - 1} was altered, or the head is from a fork`,
      };
    }
    this.verifiedRoots.set(treeSize, head.rootHash);
    this.lastVerified = head;
    return undefined;
  }

  checkProofsEndingAt(second: number): AuditProblem | undefined {
    for (const proof of this.proofsBySecond.get(second) ?? []) {
      this.proofsChecked++;
      const problem = checkConsistencyProof(proof, this.verifiedRoots);
      if (problem) return problem;
    }
    this.proofsBySecond.delete(second);
    return undefined;
  }

  /** After the last entry: heads beyond it, and proofs that never met a verified head. */
  async checkTail(): Promise<AuditProblem | undefined> {
    const size = this.frontier.size;
    const beyond = this.groups[this.nextGroup];
    if (beyond) {
      const problem = await checkHeadGroup(beyond, this.input.resolveKey);
      this.headsChecked += beyond.length;
      const treeSize = beyond[0]!.treeSize;
      return (
        problem ?? {
          kind: 'missing-entries',
          entryIndex: size,
          treeSize,
          expected: String(treeSize),
          found: String(size),
          message: `a signed head covers ${treeSize} entries but the log ends after ${size}: entries from ${size} on are missing`,
        }
      );
    }
    const orphan = [...this.proofsBySecond.values()].flat()[0];
    return orphan && checkConsistencyProof(orphan, this.verifiedRoots);
  }

  report(problem: AuditProblem | undefined): AuditReport {
    const { frontier, headsChecked, proofsChecked } = this;
    const base = {
      entriesChecked: frontier.size,
      headsChecked,
      consistencyProofsChecked: proofsChecked,
      treeSize: frontier.size,
      rootHash: toBase64(frontier.root()),
    };
    return problem ? { ok: false, ...base, problem } : { ok: true, ...base };
  }
}

/**
 * Recompute every leaf and root from the entries, check every tree head's signature and root,
 * successive heads' consistency, and index contiguity; stop at the FIRST inconsistency in log
 * order. O(n) time, O(log n) memory for the tree.
 */
export async function auditLog(input: AuditInput): Promise<AuditReport> {
  const audit = new LogAudit(input);
  let problem = await audit.checkHeadsUpTo(0);
  if (problem) return audit.report(problem);
  for await (const entry of input.entries) {
    problem = audit.checkEntry(entry) ?? (await audit.checkHeadsUpTo(audit.frontier.size));
    if (problem) return audit.report(problem);
  }
  return audit.report(await audit.checkTail());
}
