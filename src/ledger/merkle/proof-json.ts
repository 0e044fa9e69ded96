import { hashFromBase64, toBase64 } from './hashing.js';

/** Inclusion proof as served and exported: hashes are standard base64, leaf upward. */
export interface InclusionProofJson {
  leafIndex: number;
  treeSize: number;
  hashes: string[];
}

/** Consistency proof between tree sizes `first` ≤ `second`, hashes in standard base64. */
export interface ConsistencyProofJson {
  first: number;
  second: number;
  hashes: string[];
}

export function inclusionProofToJson(leafIndex: number, treeSize: number, proof: Uint8Array[]): InclusionProofJson {
  return { leafIndex, treeSize, hashes: proof.map(toBase64) };
}

export function consistencyProofToJson(first: number, second: number, proof: Uint8Array[]): ConsistencyProofJson {
  return { first, second, hashes: proof.map(toBase64) };
}

/** Decode proof hashes; undefined if any is not base64 of 32 bytes. */
export function decodeProofHashes(hashes: readonly string[]): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  for (const text of hashes) {
    const hash = typeof text === 'string' ? hashFromBase64(text) : undefined;
    if (!hash) return undefined;
    out.push(hash);
  }
  return out;
}
