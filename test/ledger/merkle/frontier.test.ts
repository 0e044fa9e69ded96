import { describe, expect, it } from 'vitest';
import {
  MerkleFrontier,
  MissingNodeError,
  buildConsistencyProof,
  buildInclusionProof,
  buildRoot,
  nodeKey,
  nodesCompletedBy,
  parseNodeKey,
  planAppend,
  planConsistency,
  planInclusion,
  planRoot,
  rootFromInclusionProof,
  toHex,
  verifyConsistency,
} from '../../../src/ledger/merkle/index.js';
import { LEAF_HASHES, MAX, NODES, pick, rootOf, uniformLevels } from './tree-fixture.js';

describe('MerkleFrontier', () => {
  it('has the naive root after every append and emits exactly the perfect nodes completed', () => {
    const frontier = MerkleFrontier.empty();
    const emitted = new Map<string, string>();
    expect(toHex(frontier.root())).toBe(toHex(rootOf(0)));
    for (let i = 0; i < MAX; i++) {
      for (const n of frontier.append(LEAF_HASHES[i]!)) emitted.set(nodeKey(n.level, n.index), toHex(n.hash));
      expect(frontier.size).toBe(i + 1);
      expect(toHex(frontier.root())).toBe(toHex(rootOf(i + 1)));
    }
    const expected = [...NODES].filter(([key]) => !key.startsWith('0:')).map(([k, h]) => [k, toHex(h)] as const);
    expect(new Map(expected)).toEqual(emitted);
  });

  it('resumes from the stored right edge and continues identically', () => {
    for (const start of [0, 1, 7, 64, 100, 255]) {
      const frontier = MerkleFrontier.fromNodes(start, pick(planRoot(start)));
      expect(frontier.edge().map((n) => nodeKey(n.level, n.index))).toEqual(planRoot(start).map((p) => p.key));
      for (let i = start; i < start + 40; i++) frontier.append(LEAF_HASHES[i]!);
      expect(toHex(frontier.root())).toBe(toHex(rootOf(start + 40)));
    }
  });

  it('refuses to resume without the right-edge nodes', () => {
    expect(() => MerkleFrontier.fromNodes(5, new Map())).toThrow(MissingNodeError);
  });
});

describe('nodesCompletedBy', () => {
  it('computes the same nodes as the frontier from stored left siblings', () => {
    const stored = new Map<string, Uint8Array>();
    const get = (level: number, index: number) => stored.get(nodeKey(level, index));
    for (let i = 0; i < 130; i++) {
      const leaf = LEAF_HASHES[i]!;
      expect(planAppend(i).every(({ level, index }) => stored.has(nodeKey(level, index)))).toBe(true);
      stored.set(nodeKey(0, i), leaf);
      for (const n of nodesCompletedBy(i, leaf, get)) {
        expect(toHex(n.hash)).toBe(toHex(NODES.get(nodeKey(n.level, n.index))!));
        stored.set(nodeKey(n.level, n.index), n.hash);
      }
    }
    const within130 = [...NODES.keys()].filter((key) => {
      const { level, index } = parseNodeKey(key);
      return (index + 1) * 2 ** level <= 130;
    });
    expect(stored.size).toBe(within130.length);
  });

  it('names the missing sibling', () => {
    expect(() => nodesCompletedBy(3, LEAF_HASHES[3]!, () => undefined)).toThrow('perfect node 0:2');
  });
});

describe('sizes beyond 2^32', () => {
  // All leaves equal, so every perfect node at a level has the same hash and any size is cheap.
  const levels = uniformLevels(60);
  const nodesFor = (plan: { key: string; level: number }[]) => new Map(plan.map((p) => [p.key, levels[p.level]!]));

  it.each([2 ** 32 + 5, 3_000_000_017, 2 ** 45 - 3])('inclusion and consistency proofs verify at size %i', (n) => {
    const root = buildRoot(n, nodesFor(planRoot(n)));
    for (const m of [0, 2 ** 31 + 1, n - 2, n - 1]) {
      const proof = buildInclusionProof(m, n, nodesFor(planInclusion(m, n)));
      expect(toHex(rootFromInclusionProof(m, n, levels[0]!, proof)!)).toBe(toHex(root));
    }
    for (const m of [1, 2 ** 31 + 3, n - 1]) {
      const proof = buildConsistencyProof(m, n, nodesFor(planConsistency(m, n)));
      expect(verifyConsistency(m, n, buildRoot(m, nodesFor(planRoot(m))), root, proof)).toBe(true);
    }
  });
});
