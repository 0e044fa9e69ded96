// A 300-leaf tree computed naively once; every prefix of it is a tree of that size.
import { hashChildren, hashLeaf } from '../../../src/ledger/merkle/index.js';
import { allPerfectNodes, leafInputs, naiveConsistency, naiveMth, naivePath } from './naive-rfc9162.js';

export const MAX = 300;
export const INPUTS = leafInputs(MAX);
export const LEAF_HASHES = INPUTS.map(hashLeaf);
export const NODES = allPerfectNodes(INPUTS);

const roots = new Map<number, Uint8Array>();
/** Naive MTH of the first n leaves, memoised. */
export function rootOf(n: number): Uint8Array {
  let root = roots.get(n);
  if (!root) roots.set(n, (root = naiveMth(INPUTS.slice(0, n))));
  return root;
}
export const naiveInclusion = (m: number, n: number) => naivePath(m, INPUTS.slice(0, n));
export const naiveConsistencyOf = (m: number, n: number) => naiveConsistency(m, INPUTS.slice(0, n));

/** Only the keys a plan asked for, so a build that reads anything else fails. */
export function pick(plan: { key: string }[]): Map<string, Uint8Array> {
  return new Map(plan.map(({ key }) => [key, NODES.get(key)!]));
}

export function flipBit(hash: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(hash);
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << bit % 8;
  return copy;
}

/** Perfect node hashes of a tree whose leaves are all equal: node (level, ·) = h[level]. */
export function uniformLevels(levels: number): Uint8Array[] {
  const h = [hashLeaf(Uint8Array.of(42))];
  for (let l = 1; l <= levels; l++) h.push(hashChildren(h[l - 1]!, h[l - 1]!));
  return h;
}
