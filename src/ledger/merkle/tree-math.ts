import { hashChildren } from './hashing.js';

/**
 * A perfect subtree: node (level, index) is the Merkle tree hash of leaves
 * [index·2^level, (index+1)·2^level). Level 0 is a leaf hash.
 */
export interface NodeRef {
  level: number;
  index: number;
}

/** A half-open leaf range [start, end) whose Merkle tree hash a proof element carries. */
export interface LeafRange {
  start: number;
  end: number;
}

/** Store key of a perfect node: `"<level>:<index>"`, e.g. `"3:12"`. */
export function nodeKey(level: number, index: number): string {
  return `${level}:${index}`;
}

export function parseNodeKey(key: string): NodeRef {
  const match = /^(\d+):(\d+)$/.exec(key);
  if (!match) throw new RangeError(`not a node key: ${key}`);
  return { level: Number(match[1]), index: Number(match[2]) };
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** Largest power of two strictly below n (n ≥ 2): the RFC 9162 split point k. */
export function splitPoint(n: number): number {
  if (!(n >= 2)) throw new RangeError(`no split point for ${n}`);
  // Arithmetic rather than bit operators so sizes above 2^31 stay exact.
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function log2Exact(powerOfTwo: number): number {
  let level = 0;
  for (let p = powerOfTwo; p > 1; p /= 2) level++;
  return level;
}

/**
 * Perfect nodes whose composition gives MTH(D[start:end]), following the RFC 9162 recursion
 * (split at the largest power of two below the size). Returned left to right.
 */
export function rangeNodes(range: LeafRange): NodeRef[] {
  const out: NodeRef[] = [];
  let { start } = range;
  const { end } = range;
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start < end)) {
    throw new RangeError(`bad leaf range [${start}, ${end})`);
  }
  // The recursion only ever descends into the right part, so it unrolls into a loop.
  while (start < end) {
    const size = end - start;
    if (isPowerOfTwo(size) && start % size === 0) {
      out.push({ level: log2Exact(size), index: start / size });
      break;
    }
    // A misaligned power-of-two range still splits in half, exactly as MTH(D[start:end]) would.
    const k = isPowerOfTwo(size) ? size / 2 : splitPoint(size);
    out.push(...rangeNodes({ start, end: start + k }));
    start += k;
  }
  return out;
}

/** Right fold of node hashes: MTH of a range from the hashes of its `rangeNodes`, in order. */
export function foldRight(hashes: Uint8Array[]): Uint8Array {
  const last = hashes[hashes.length - 1];
  if (!last) throw new RangeError('nothing to fold');
  let acc = last;
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i]!, acc);
  return acc;
}

/** MTH(D[start:end]) from a map of stored perfect nodes keyed by `nodeKey`. */
export function composeRange(range: LeafRange, nodes: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const hashes = rangeNodes(range).map(({ level, index }) => {
    const hash = nodes.get(nodeKey(level, index));
    if (!hash) throw new MissingNodeError(level, index);
    return hash;
  });
  return foldRight(hashes);
}

/** A proof or root needed a perfect node the caller did not supply. */
export class MissingNodeError extends Error {
  override readonly name = 'MissingNodeError';
  constructor(
    readonly level: number,
    readonly index: number,
  ) {
    super(`perfect node ${nodeKey(level, index)} was not supplied`);
  }
}
