import { EMPTY_ROOT_HASH, HASH_SIZE, hashChildren } from './hashing.js';
import { planRoot } from './proof-plan.js';
import { MissingNodeError, foldRight, type NodeRef } from './tree-math.js';

/** A perfect node with its hash, as the integrator stores it. */
export interface StoredNode extends NodeRef {
  hash: Uint8Array;
}

/**
 * The right edge of a Merkle tree: one perfect node per set bit of the size, so appending and
 * computing the root need O(log n) memory. The integrator and the auditor both build on it.
 */
export class MerkleFrontier {
  #size: number;
  // Largest (leftmost) subtree first; levels strictly decrease.
  readonly #edge: StoredNode[];

  private constructor(size: number, edge: StoredNode[]) {
    this.#size = size;
    this.#edge = edge;
  }

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Resume from stored nodes: `nodes` must hold every key of `planRoot(size)`. */
  static fromNodes(size: number, nodes: ReadonlyMap<string, Uint8Array>): MerkleFrontier {
    const edge = planRoot(size).map(({ key, level, index }) => {
      const hash = nodes.get(key);
      if (!hash) throw new MissingNodeError(level, index);
      return { level, index, hash };
    });
    return new MerkleFrontier(size, edge);
  }

  get size(): number {
    return this.#size;
  }

  /** Root hash of the tree so far (the empty-tree hash when no leaf was appended). */
  root(): Uint8Array {
    return this.#edge.length === 0 ? EMPTY_ROOT_HASH : foldRight(this.#edge.map((n) => n.hash));
  }

  /** The right-edge nodes (what `planRoot(size)` lists), largest first. */
  edge(): readonly StoredNode[] {
    return this.#edge.map((n) => ({ ...n }));
  }

  /**
   * Append the next leaf; returns the perfect nodes of level ≥ 1 it completes, bottom-up. As with
   * `nodesCompletedBy`, the leaf hash itself (level 0) is the caller's to store with the entry.
   */
  append(leafHash: Uint8Array): StoredNode[] {
    if (leafHash.length !== HASH_SIZE) throw new RangeError('leaf hash must be 32 bytes');
    let node: StoredNode = { level: 0, index: this.#size, hash: leafHash };
    const created: StoredNode[] = [];
    for (let last = this.#edge.at(-1); last && last.level === node.level; last = this.#edge.at(-1)) {
      this.#edge.pop();
      node = { level: node.level + 1, index: last.index / 2, hash: hashChildren(last.hash, node.hash) };
      created.push(node);
    }
    this.#edge.push(node);
    this.#size += 1;
    return created;
  }
}

/** Left siblings `nodesCompletedBy` will ask for when leaf `leafIndex` is appended. */
export function planAppend(leafIndex: number): NodeRef[] {
  const needed: NodeRef[] = [];
  for (let level = 0, index = leafIndex; index % 2 === 1; level++, index = (index - 1) / 2) {
    needed.push({ level, index: index - 1 });
  }
  return needed;
}

/**
 * Perfect nodes (level ≥ 1) that appending leaf `leafIndex` completes, bottom-up. The caller
 * stores the leaf hash itself as level 0. `getNode` must return the stored left siblings.
 */
export function nodesCompletedBy(
  leafIndex: number,
  leafHash: Uint8Array,
  getNode: (level: number, index: number) => Uint8Array | undefined,
): StoredNode[] {
  const created: StoredNode[] = [];
  let hash = leafHash;
  for (const { level, index } of planAppend(leafIndex)) {
    const left = getNode(level, index);
    if (!left) throw new MissingNodeError(level, index);
    hash = hashChildren(left, hash);
    created.push({ level: level + 1, index: index / 2, hash });
  }
  return created;
}
