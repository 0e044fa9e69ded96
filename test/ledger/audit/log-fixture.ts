// A small, deterministic ledger: entries, every perfect node, signed heads and proofs.
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  MerkleFrontier,
  buildConsistencyProof,
  buildInclusionProof,
  consistencyProofToJson,
  eventBodyDigest,
  inclusionProofToJson,
  leafHashOf,
  nodeKey,
  planConsistency,
  planInclusion,
  signTreeHead,
  toBase64,
  type KeyResolver,
  type SignedTreeHead,
} from '../../../src/ledger/merkle/index.js';
import type { AuditEntry } from '../../../src/ledger/audit/index.js';

export const BANK = generateKeyPairSync('ed25519');
export const INTRUDER = generateKeyPairSync('ed25519');
export const KID = 'did:web:bank.example#sth-2025';
export const resolveKey: KeyResolver = (kid) => (kid === KID ? BANK.publicKey : undefined);

const EVENTS = ['deposit', 'correction', 'recognition-decision', 'award', 'credential-issue', 'revocation'];
const T0 = Date.parse('2025-09-01T08:00:00.000Z');

export function makeEntry(index: number, variant = 0): AuditEntry {
  const learner = `learner-${index % 7}`;
  return {
    index,
    recordedAt: new Date(T0 + index * 1000).toISOString(),
    eventType: EVENTS[index % EVENTS.length]!,
    actor: `did:web:uni${index % 3}.example`,
    subjectRef: createHash('sha256').update(`salt:${learner}`).digest('hex'),
    bodyDigest: eventBodyDigest({ learner, outcome: `课程 ${index}`, credits: '2.5', variant }),
  };
}

/** Entries 0…n-1 with the leaf hash the integrator stored for each. */
export function makeEntries(n: number): AuditEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const entry = makeEntry(i);
    return { ...entry, leafHash: toBase64(leafHashOf(entry)) };
  });
}

/** Every node (leaves as level 0) of the tree over `entries`, as the store would hold them. */
export function storeOf(entries: AuditEntry[]): Map<string, Uint8Array> {
  const store = new Map<string, Uint8Array>();
  const frontier = MerkleFrontier.empty();
  entries.forEach((entry, i) => {
    const leaf = leafHashOf(entry);
    store.set(nodeKey(0, i), leaf);
    for (const node of frontier.append(leaf)) store.set(nodeKey(node.level, node.index), node.hash);
  });
  return store;
}

export function rootAt(entries: AuditEntry[], size: number): string {
  const frontier = MerkleFrontier.empty();
  for (const entry of entries.slice(0, size)) frontier.append(leafHashOf(entry));
  return toBase64(frontier.root());
}

export async function signedHeads(entries: AuditEntry[], sizes: number[], key = BANK.privateKey): Promise<SignedTreeHead[]> {
  return Promise.all(
    sizes.map((treeSize, i) => signTreeHead({ treeSize, rootHash: rootAt(entries, treeSize), timestamp: T0 + 60_000 * (i + 1) }, key, KID)),
  );
}

export function consistencyProofs(entries: AuditEntry[], sizes: number[]) {
  const store = storeOf(entries);
  return sizes.slice(1).map((second, i) => {
    const first = sizes[i]!;
    const nodes = new Map(planConsistency(first, second).map((p) => [p.key, store.get(p.key)!]));
    return consistencyProofToJson(first, second, buildConsistencyProof(first, second, nodes));
  });
}

export function inclusionProof(entries: AuditEntry[], leafIndex: number, treeSize: number) {
  const store = storeOf(entries);
  const nodes = new Map(planInclusion(leafIndex, treeSize).map((p) => [p.key, store.get(p.key)!]));
  return inclusionProofToJson(leafIndex, treeSize, buildInclusionProof(leafIndex, treeSize, nodes));
}

export async function* streamOf<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}
