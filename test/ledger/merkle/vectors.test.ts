import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT_HASH,
  MerkleFrontier,
  buildConsistencyProof,
  buildInclusionProof,
  buildRoot,
  hashLeaf,
  planConsistency,
  planInclusion,
  planRoot,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/ledger/merkle/index.js';
import { allPerfectNodes, naiveMth } from './naive-rfc9162.js';

// Published RFC 6962 / RFC 9162 vectors for the 8-leaf tree, from transparency-dev/merkle
// proof/verify_test.go (Apache-2.0). Data only: the hashes, not the code.
const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// leafIndex is 0-based here (the Go file stores it 1-based).
const INCLUSION: { leafIndex: number; treeSize: number; path: string[] }[] = [
  { leafIndex: 0, treeSize: 8, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { leafIndex: 5, treeSize: 8, path: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { leafIndex: 2, treeSize: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { leafIndex: 1, treeSize: 5, path: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const CONSISTENCY: { first: number; second: number; path: string[] }[] = [
  { first: 1, second: 8, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { first: 6, second: 8, path: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { first: 2, second: 5, path: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { first: 6, second: 7, path: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];

const nodes = allPerfectNodes(LEAVES);
const subset = (keys: { key: string }[]) => new Map(keys.map(({ key }) => [key, nodes.get(key)!]));

describe('published RFC 6962/9162 vectors (8-leaf tree)', () => {
  it('gives the empty-tree hash of SHA-256("")', () => {
    expect(toHex(EMPTY_ROOT_HASH)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(buildRoot(0, new Map()))).toBe(toHex(EMPTY_ROOT_HASH));
  });

  it.each(ROOTS.map((root, i) => [i + 1, root] as const))('computes the root of the first %i leaves', (size, root) => {
    expect(toHex(naiveMth(LEAVES.slice(0, size)))).toBe(root);
    expect(toHex(buildRoot(size, subset(planRoot(size))))).toBe(root);
    const frontier = MerkleFrontier.empty();
    for (const leaf of LEAVES.slice(0, size)) frontier.append(hashLeaf(leaf));
    expect(toHex(frontier.root())).toBe(root);
  });

  it.each(INCLUSION)('builds and verifies the inclusion proof of leaf $leafIndex in size $treeSize', (v) => {
    const proof = buildInclusionProof(v.leafIndex, v.treeSize, subset(planInclusion(v.leafIndex, v.treeSize)));
    expect(proof.map(toHex)).toEqual(v.path);
    const leafHash = hashLeaf(LEAVES[v.leafIndex]!);
    expect(verifyInclusion(v.leafIndex, v.treeSize, leafHash, v.path.map(hex), hex(ROOTS[v.treeSize - 1]!))).toBe(true);
    expect(verifyInclusion(v.leafIndex, v.treeSize, leafHash, v.path.map(hex), hex(ROOTS[v.treeSize - 2]!))).toBe(false);
  });

  it.each(CONSISTENCY)('builds and verifies the consistency proof $first → $second', (v) => {
    const proof = buildConsistencyProof(v.first, v.second, subset(planConsistency(v.first, v.second)));
    expect(proof.map(toHex)).toEqual(v.path);
    const [r1, r2] = [hex(ROOTS[v.first - 1]!), hex(ROOTS[v.second - 1]!)];
    expect(verifyConsistency(v.first, v.second, r1, r2, v.path.map(hex))).toBe(true);
    expect(verifyConsistency(v.first, v.second, r2, r1, v.path.map(hex))).toBe(false);
  });

  it('accepts the trivial consistency cases and rejects their near misses', () => {
    const r1 = hex(ROOTS[0]!);
    const r2 = hex(ROOTS[1]!);
    expect(verifyConsistency(1, 1, r1, r1, [])).toBe(true);
    expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(0, 1, EMPTY_ROOT_HASH, r1, [])).toBe(true);
    expect(verifyConsistency(0, 1, r1, r1, [])).toBe(false);
    expect(verifyConsistency(0, 1, EMPTY_ROOT_HASH, r1, [EMPTY_ROOT_HASH])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r1, [EMPTY_ROOT_HASH])).toBe(false);
    expect(verifyConsistency(2, 1, r2, r1, [])).toBe(false);
    expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false);
  });

  it('rejects inclusion in an empty tree or past the end, and a one-leaf tree needs an empty path', () => {
    const leaf = hashLeaf(LEAVES[0]!);
    expect(verifyInclusion(0, 0, leaf, [], EMPTY_ROOT_HASH)).toBe(false);
    expect(verifyInclusion(1, 1, leaf, [], leaf)).toBe(false);
    expect(verifyInclusion(0, 1, leaf, [], leaf)).toBe(true);
    expect(verifyInclusion(0, 1, leaf, [leaf], leaf)).toBe(false);
    expect(verifyInclusion(0, 1, new Uint8Array(), [], new Uint8Array())).toBe(false);
  });
});
