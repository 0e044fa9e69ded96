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

/** The RFC 9162 split of D[start:end]: perfect and aligned → undefined; else the first right index. */
function splitOf(start: number, end: number): number | undefined {
  const size = end - start;
  if (isPowerOfTwo(size) && start % size === 0) return undefined;
  // A misaligned power-of-two range still splits in half, exactly as MTH(D[start:end]) would.
  return start + (isPowerOfTwo(size) ? size / 2 : splitPoint(size));
}

function checkRange({ start, end }: LeafRange): void {
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start < end)) {
    throw new RangeError(`bad leaf range [${start}, ${end})`);
  }
}

/**
 * Perfect nodes whose composition gives MTH(D[start:end]), following the RFC 9162 recursion
 * (split at the largest power of two below the size). Returned left to right.
 */
export function rangeNodes(range: LeafRange): NodeRef[] {
  checkRange(range);
  const { start, end } = range;
  const mid = splitOf(start, end);
  if (mid === undefined) return [{ level: log2Exact(end - start), index: start / (end - start) }];
  return [...rangeNodes({ start, end: mid }), ...rangeNodes({ start: mid, end })];
}

/**
 * Right fold of node hashes. For ranges starting at a multiple of a power of two at least their
 * size (every range of a root or RFC 9162 proof, and the frontier) this is their MTH.
 */
export function foldRight(hashes: Uint8Array[]): Uint8Array {
  const last = hashes[hashes.length - 1];
  if (!last) throw new RangeError('nothing to fold');
  let acc = last;
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i]!, acc);
  return acc;
}

/** MTH(D[start:end]) from a map of stored perfect nodes keyed by `nodeKey`. */
export function composeRange(range: LeafRange, nodes: ReadonlyMap<string, Uint8Array>): Uint8Array {
  checkRange(range);
  const { start, end } = range;
  const mid = splitOf(start, end);
  if (mid !== undefined) return hashChildren(composeRange({ start, end: mid }, nodes), composeRange({ start: mid, end }, nodes));
  const level = log2Exact(end - start);
  const index = start / (end - start);
  const hash = nodes.get(nodeKey(level, index));
  if (!hash) throw new MissingNodeError(level, index);
  return hash;
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
