import { EMPTY_ROOT_HASH, HASH_SIZE, hashChildren, hashesEqual } from './hashing.js';

// Written from the RFC 9162 text (§2.1.3.2, §2.1.4.2), independently of proof-plan.ts, so the
// generator and the verifier cross-check each other. Right shifts use division so that sizes
// above 2^31 stay exact.
const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

const isHash = (h: Uint8Array): boolean => h.length === HASH_SIZE;
const validSize = (x: number): boolean => Number.isSafeInteger(x) && x >= 0;

/** RFC 9162 §2.1.3.2 steps 1–4: the root implied by an inclusion proof, or undefined if malformed. */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!validSize(leafIndex) || !validSize(treeSize) || leafIndex >= treeSize) return undefined;
  if (!isHash(leafHash) || !proof.every(isHash)) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5: a proof that is too short leaves sn above zero.
  return sn === 0 ? r : undefined;
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `leafIndex` with `leafHash` in the tree with `root`? */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  return computed !== undefined && hashesEqual(computed, root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree (second, secondRoot) an append-only extension of
 * (first, firstRoot)? Equal sizes need equal roots and an empty proof; size 0 needs the
 * empty-tree root and an empty proof.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!validSize(first) || !validSize(second) || first > second) return false;
  if (!isHash(firstRoot) || !isHash(secondRoot) || !proof.every(isHash)) return false;
  if (first === 0) return proof.length === 0 && hashesEqual(firstRoot, EMPTY_ROOT_HASH);
  if (first === second) return proof.length === 0 && hashesEqual(firstRoot, secondRoot);
  return verifyProperConsistency(first, second, firstRoot, secondRoot, proof);
}

/** The RFC algorithm proper, for 0 < first < second. */
function verifyProperConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  // Step 1.
  if (proof.length === 0) return false;
  // Step 2: when first is a power of two its root is itself a node of the second tree.
  const path = isPowerOfTwoSize(first) ? [firstRoot, ...proof] : [...proof];
  // Step 3.
  let fn = first - 1;
  let sn = second - 1;
  // Step 4.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  return sn === 0 && hashesEqual(fr, firstRoot) && hashesEqual(sr, secondRoot);
}

function isPowerOfTwoSize(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
