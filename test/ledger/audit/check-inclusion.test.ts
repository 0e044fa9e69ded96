import { describe, expect, it } from 'vitest';
import { checkInclusion } from '../../../src/ledger/audit/index.js';
import { toBase64, leafHashOf } from '../../../src/ledger/merkle/index.js';
import { INTRUDER, inclusionProof, makeEntries, resolveKey, signedHeads } from './log-fixture.js';

const entries = makeEntries(23);
const [head] = await signedHeads(entries, [23]);
const [intruderHead] = await signedHeads(entries, [23], INTRUDER.privateKey);

describe('checkInclusion', () => {
  it('confirms every entry of the log against the signed head', async () => {
    for (const entry of entries) {
      const result = await checkInclusion(entry, inclusionProof(entries, entry.index, 23), head!, resolveKey);
      expect(result).toEqual({ ok: true, leafHash: toBase64(leafHashOf(entry)), head: { treeSize: 23, rootHash: head!.rootHash, timestamp: head!.timestamp } });
    }
  });

  it('rejects an altered entry', async () => {
    const proof = inclusionProof(entries, 9, 23);
    const result = await checkInclusion({ ...entries[9]!, eventType: 'revocation-withdrawn' }, proof, head!, resolveKey);
    expect(result).toEqual({ ok: false, reason: 'entry 9 is not in the signed tree of size 23' });
  });

  it('rejects a proof for another index, another size, or with bad hashes', async () => {
    const entry = entries[9]!;
    expect((await checkInclusion(entry, inclusionProof(entries, 10, 23), head!, resolveKey)).ok).toBe(false);
    expect((await checkInclusion({ ...entry, index: 10 }, inclusionProof(entries, 10, 23), head!, resolveKey)).ok).toBe(false);
    expect((await checkInclusion(entry, inclusionProof(entries, 9, 22), head!, resolveKey)).ok).toBe(false);
    const proof = inclusionProof(entries, 9, 23);
    expect((await checkInclusion(entry, { ...proof, hashes: ['AAAA', ...proof.hashes.slice(1)] }, head!, resolveKey)).ok).toBe(false);
  });

  it('rejects a head not signed by the bank', async () => {
    const result = await checkInclusion(entries[0]!, inclusionProof(entries, 0, 23), intruderHead!, resolveKey);
    expect(result).toEqual({ ok: false, reason: 'tree head: signature does not verify' });
  });
});
