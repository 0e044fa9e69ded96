import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildConsistencyProof,
  buildInclusionProof,
  buildRoot,
  composeRange,
  planConsistency,
  planInclusion,
  planRoot,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/ledger/merkle/index.js';
import { naiveMth } from './naive-rfc9162.js';
import { INPUTS, LEAF_HASHES, MAX, NODES, flipBit, naiveConsistencyOf, naiveInclusion, pick, rootOf } from './tree-fixture.js';

const hexes = (hs: Uint8Array[]) => hs.map(toHex);
const inclusion = (m: number, n: number) => buildInclusionProof(m, n, pick(planInclusion(m, n)));
const consistency = (m: number, n: number) => buildConsistencyProof(m, n, pick(planConsistency(m, n)));
const sizeAndIndex = fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1)));
const properPair = fc.integer({ min: 2, max: MAX }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n)));

describe('proofs built from stored perfect nodes', () => {
  it('match the naive RFC 9162 PATH, PROOF and MTH for every index and size up to 40', () => {
    for (let n = 1; n <= 40; n++) {
      expect(toHex(buildRoot(n, pick(planRoot(n))))).toBe(toHex(rootOf(n)));
      for (let m = 0; m < n; m++) expect(hexes(inclusion(m, n))).toEqual(hexes(naiveInclusion(m, n)));
      for (let m = 1; m < n; m++) expect(hexes(consistency(m, n))).toEqual(hexes(naiveConsistencyOf(m, n)));
    }
  });

  it('every inclusion proof verifies for random sizes up to 300', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([n, m]) => {
        expect(verifyInclusion(m, n, LEAF_HASHES[m]!, inclusion(m, n), rootOf(n))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('every consistency proof verifies for random size pairs up to 300, including equal sizes', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([n, i]) => {
        const m = i + 1; // 1..n
        expect(verifyConsistency(m, n, rootOf(m), rootOf(n), consistency(m, n))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('compose MTH(D[a:b]) of any leaf range, aligned or not, from perfect nodes', () => {
    const range = fc.tuple(fc.nat(MAX - 1), fc.nat(MAX - 1)).filter(([a, b]) => a !== b).map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) }));
    fc.assert(
      fc.property(range, (r) => {
        expect(toHex(composeRange(r, NODES))).toBe(toHex(naiveMth(INPUTS.slice(r.start, r.end))));
      }),
    );
  });

  it('plans need O(log n) nodes, even at billions of leaves', () => {
    for (const n of [1, 2, 3, 255, 300, 1_000_000, 2 ** 31 + 7, 3_000_000_017, 2 ** 52 + 1]) {
      const bound = 2 * Math.ceil(Math.log2(n + 1)) + 2;
      expect(planRoot(n).length).toBeLessThanOrEqual(bound);
      for (const m of [0, Math.floor(n / 3), n - 1]) expect(planInclusion(m, n).length).toBeLessThanOrEqual(bound);
      for (const m of [1, Math.floor(n / 2), n - 1].filter((x) => x >= 1)) {
        expect(planConsistency(m, n).length).toBeLessThanOrEqual(bound);
      }
    }
  });
});

describe('tampered inclusion proofs fail', () => {
  const tamperable = sizeAndIndex.filter(([n]) => n >= 2);

  it('a flipped bit in any proof element', () => {
    fc.assert(
      fc.property(tamperable, fc.nat(), fc.nat(255), ([n, m], pos, bit) => {
        const proof = inclusion(m, n);
        const i = pos % proof.length;
        proof[i] = flipBit(proof[i]!, bit);
        expect(verifyInclusion(m, n, LEAF_HASHES[m]!, proof, rootOf(n))).toBe(false);
      }),
    );
  });

  it('a different leaf, root, index or size', () => {
    fc.assert(
      fc.property(tamperable, fc.nat(MAX - 1), fc.integer({ min: 1, max: MAX }), ([n, m], other, otherSize) => {
        const proof = inclusion(m, n);
        const leaf = LEAF_HASHES[m]!;
        if (other !== m) expect(verifyInclusion(m, n, LEAF_HASHES[other]!, proof, rootOf(n))).toBe(false);
        if (other !== m) expect(verifyInclusion(other, n, leaf, proof, rootOf(n))).toBe(false);
        if (otherSize !== n) expect(verifyInclusion(m, n, leaf, proof, rootOf(otherSize))).toBe(false);
        // A size claim is bound to its own root by the signed tree head.
        if (otherSize !== n) expect(verifyInclusion(m, otherSize, leaf, proof, rootOf(otherSize))).toBe(false);
        expect(verifyInclusion(m, n * 2, leaf, proof, rootOf(n))).toBe(false);
        expect(verifyInclusion(m, n, leaf, proof.slice(1), rootOf(n))).toBe(false);
        expect(verifyInclusion(m, n, leaf, [...proof, rootOf(n)], rootOf(n))).toBe(false);
      }),
    );
  });
});

describe('tampered consistency proofs fail', () => {
  it('a flipped bit in any proof element', () => {
    fc.assert(
      fc.property(properPair, fc.nat(), fc.nat(255), ([m, n], pos, bit) => {
        const proof = consistency(m, n);
        const i = pos % proof.length;
        proof[i] = flipBit(proof[i]!, bit);
        expect(verifyConsistency(m, n, rootOf(m), rootOf(n), proof)).toBe(false);
      }),
    );
  });

  it('a different root, size, or a truncated or padded proof', () => {
    fc.assert(
      fc.property(properPair, fc.integer({ min: 1, max: MAX }), ([m, n], other) => {
        const proof = consistency(m, n);
        const [r1, r2] = [rootOf(m), rootOf(n)];
        expect(verifyConsistency(m, n, r2, r1, proof)).toBe(false);
        if (other !== m) expect(verifyConsistency(m, n, rootOf(other), r2, proof)).toBe(false);
        if (other !== n) expect(verifyConsistency(m, n, r1, rootOf(other), proof)).toBe(false);
        if (other !== m && other < n) expect(verifyConsistency(other, n, rootOf(other), r2, proof)).toBe(false);
        if (other !== n && other > m) expect(verifyConsistency(m, other, r1, rootOf(other), proof)).toBe(false);
        expect(verifyConsistency(m, n * 2, r1, r2, proof)).toBe(false);
        expect(verifyConsistency(m, n, r1, r2, proof.slice(0, -1))).toBe(false);
        expect(verifyConsistency(m, n, r1, r2, [...proof, r2])).toBe(false);
        expect(verifyConsistency(m, n, r1, r2, [proof[0]!, ...proof])).toBe(false);
      }),
    );
  });
});
