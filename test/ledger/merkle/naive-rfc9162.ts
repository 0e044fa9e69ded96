// An independent, deliberately naive transcription of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1
// over a full list of leaf inputs. Tests compare the stored-node implementation against it.
import { createHash } from 'node:crypto';

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

export const naiveLeafHash = (input: Uint8Array): Uint8Array => sha256(Uint8Array.of(0), input);

function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** MTH(D[n]) over leaf inputs (not hashes), exactly as the RFC defines it. */
export function naiveMth(d: Uint8Array[]): Uint8Array {
  const n = d.length;
  if (n === 0) return sha256();
  if (n === 1) return naiveLeafHash(d[0]!);
  const split = k(n);
  return sha256(Uint8Array.of(1), naiveMth(d.slice(0, split)), naiveMth(d.slice(split)));
}

/** PATH(m, D[n]). */
export function naivePath(m: number, d: Uint8Array[]): Uint8Array[] {
  const n = d.length;
  if (n <= 1) return [];
  const split = k(n);
  if (m < split) return [...naivePath(m, d.slice(0, split)), naiveMth(d.slice(split))];
  return [...naivePath(m - split, d.slice(split)), naiveMth(d.slice(0, split))];
}

function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  const n = d.length;
  if (m === n) return b ? [] : [naiveMth(d)];
  const split = k(n);
  if (m <= split) return [...subproof(m, d.slice(0, split), b), naiveMth(d.slice(split))];
  return [...subproof(m - split, d.slice(split), false), naiveMth(d.slice(0, split))];
}

/** PROOF(m, D[n]) for 0 < m < n. */
export function naiveConsistency(m: number, d: Uint8Array[]): Uint8Array[] {
  return subproof(m, d, true);
}

/** Every perfect node of a tree, keyed "level:index", computed from the leaves by brute force. */
export function allPerfectNodes(d: Uint8Array[]): Map<string, Uint8Array> {
  const nodes = new Map<string, Uint8Array>();
  for (let size = 1, level = 0; size <= d.length; size *= 2, level++) {
    for (let i = 0; (i + 1) * size <= d.length; i++) {
      nodes.set(`${level}:${i}`, naiveMth(d.slice(i * size, (i + 1) * size)));
    }
  }
  return nodes;
}

/** Distinct leaf inputs: 4 bytes of the index then a tag, so trees of any size are cheap to make. */
export function leafInputs(n: number, tag = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => Uint8Array.of(i >>> 24, i >>> 16, i >>> 8, i, tag));
}
