import type { ConsistencyProofJson, KeyResolver, PublicLedgerEntry, SignedTreeHead } from '../merkle/index.js';

/** An exported entry; `leafHash` (base64, as the log stored it) lets the auditor name a rewritten entry. */
export interface AuditEntry extends PublicLedgerEntry {
  leafHash?: string;
}

export interface AuditInput {
  /** Entries in index order; streamed, never held in memory together. */
  entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>;
  heads: readonly SignedTreeHead[];
  resolveKey: KeyResolver;
  /** Proofs served by the log, checked against the signed roots in addition to recomputation. */
  consistencyProofs?: readonly ConsistencyProofJson[];
}

export type AuditProblemKind =
  | 'invalid-entry' // an entry is malformed
  | 'index-gap' // an entry is missing, repeated or out of order
  | 'leaf-hash-mismatch' // an entry no longer hashes to the leaf hash the log stored for it
  | 'invalid-head' // a tree head is malformed
  | 'bad-signature' // a tree head's signature does not verify
  | 'timestamp-regression' // a larger tree head is dated before a smaller one
  | 'forked-heads' // two validly signed heads of one size disagree
  | 'root-mismatch' // the entries do not hash to a signed root
  | 'missing-entries' // a signed head covers entries the export does not contain
  | 'bad-consistency-proof'; // a served consistency proof does not link two signed heads

/** The first inconsistency found, as precisely as the data allows. */
export interface AuditProblem {
  kind: AuditProblemKind;
  message: string;
  /** The first entry at fault, when it can be named. */
  entryIndex?: number;
  /** The tree head at fault. */
  treeSize?: number;
  /** Hashes in base64, or indices, as recomputed by the auditor. */
  expected?: string;
  /** What the log or the export says instead. */
  found?: string;
  /** When only a root disagrees: the change lies in entries [from, to); earlier ones are proven. */
  suspectRange?: { from: number; to: number };
}

export interface AuditReport {
  ok: boolean;
  entriesChecked: number;
  headsChecked: number;
  consistencyProofsChecked: number;
  /** Size and root recomputed from the entries read. */
  treeSize: number;
  rootHash: string;
  problem?: AuditProblem;
}
