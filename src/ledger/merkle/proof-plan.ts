import { EMPTY_ROOT_HASH } from './hashing.js';
import { composeRange, nodeKey, rangeNodes, splitPoint, type LeafRange, type NodeRef } from './tree-math.js';

/** A perfect node a proof needs: fetch all of them in one batch, then call a `build*` function. */
export interface PlannedNode extends NodeRef {
  key: string;
}

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[start:end]) as the leaf ranges of its elements, leaf upward. */
function pathRanges(m: number, start: number, end: number): LeafRange[] {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...pathRanges(m, start, start + k), { start: start + k, end }];
  return [...pathRanges(m - k, start + k, end), { start, end: start + k }];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[start:end], b) as leaf ranges. */
function subproofRanges(m: number, start: number, end: number, whole: boolean): LeafRange[] {
  const n = end - start;
  if (m === n) return whole ? [] : [{ start, end }];
  const k = splitPoint(n);
  if (m <= k) return [...subproofRanges(m, start, start + k, whole), { start: start + k, end }];
  return [...subproofRanges(m - k, start + k, end, false), { start, end: start + k }];
}

/** Leaf ranges whose MTHs form the inclusion proof of leaf `leafIndex` in a tree of `treeSize`. */
export function inclusionRanges(leafIndex: number, treeSize: number): LeafRange[] {
  checkSize('leafIndex', leafIndex);
  checkSize('treeSize', treeSize);
  if (leafIndex >= treeSize) throw new RangeError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  return pathRanges(leafIndex, 0, treeSize);
}

/** Leaf ranges of the consistency proof from size `first` to size `second` (empty if first is 0 or equal). */
export function consistencyRanges(first: number, second: number): LeafRange[] {
  checkSize('first', first);
  checkSize('second', second);
  if (first > second) throw new RangeError(`first size ${first} exceeds second size ${second}`);
  if (first === 0 || first === second) return [];
  return subproofRanges(first, 0, second, true);
}

function planOf(ranges: LeafRange[]): PlannedNode[] {
  const seen = new Map<string, PlannedNode>();
  for (const range of ranges) {
    for (const { level, index } of rangeNodes(range)) {
      const key = nodeKey(level, index);
      if (!seen.has(key)) seen.set(key, { key, level, index });
    }
  }
  return [...seen.values()];
}

/** Perfect nodes needed for the inclusion proof of `leafIndex` in a tree of `treeSize` (O(log n)). */
export function planInclusion(leafIndex: number, treeSize: number): PlannedNode[] {
  return planOf(inclusionRanges(leafIndex, treeSize));
}

/** Perfect nodes needed for the consistency proof between sizes `first` ≤ `second` (O(log n)). */
export function planConsistency(first: number, second: number): PlannedNode[] {
  return planOf(consistencyRanges(first, second));
}

/** Perfect nodes whose right fold is the root of a tree of `treeSize`: its right edge. */
export function planRoot(treeSize: number): PlannedNode[] {
  checkSize('treeSize', treeSize);
  return treeSize === 0 ? [] : planOf([{ start: 0, end: treeSize }]);
}

/** Inclusion proof (audit path, leaf upward) from the nodes listed by `planInclusion`. */
export function buildInclusionProof(
  leafIndex: number,
  treeSize: number,
  nodes: ReadonlyMap<string, Uint8Array>,
): Uint8Array[] {
  return inclusionRanges(leafIndex, treeSize).map((range) => composeRange(range, nodes));
}

/** Consistency proof from the nodes listed by `planConsistency`. */
export function buildConsistencyProof(
  first: number,
  second: number,
  nodes: ReadonlyMap<string, Uint8Array>,
): Uint8Array[] {
  return consistencyRanges(first, second).map((range) => composeRange(range, nodes));
}

/** Root hash of a tree of `treeSize` from the nodes listed by `planRoot`. */
export function buildRoot(treeSize: number, nodes: ReadonlyMap<string, Uint8Array>): Uint8Array {
  checkSize('treeSize', treeSize);
  return treeSize === 0 ? EMPTY_ROOT_HASH : composeRange({ start: 0, end: treeSize }, nodes);
}
