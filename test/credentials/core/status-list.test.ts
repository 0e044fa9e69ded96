import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import {
  MIN_STATUS_LIST_BITS, buildStatusEntry, buildStatusListCredential, createBitstring, decodeBitstring,
  encodeBitstring, getBit, setBit,
} from '../../../src/credentials/core/status-list.js';
import { checkStatus, statusVerdict } from '../../../src/credentials/core/status-check.js';
import { signCredential, verifyCredentialProof } from '../../../src/credentials/core/suites.js';
import { ISSUER_DID, NOW, issuerKey, loaderFor, sampleCredential } from './fixtures.js';

const LIST = 'https://bank.example.cn/status/1';

describe('bitstring', () => {
  it('is at least 131,072 bits (16 KB) even when asked for fewer', () => {
    expect(createBitstring(10).length).toBe(16_384);
    expect(createBitstring(MIN_STATUS_LIST_BITS + 1).length).toBe(16_385);
  });

  it('puts index 0 in the most significant bit of the first byte', () => {
    const bits = createBitstring();
    setBit(bits, 0, true);
    setBit(bits, 9, true);
    expect(bits[0]).toBe(0b1000_0000);
    expect(bits[1]).toBe(0b0100_0000);
  });

  it('flips a bit on and off again', () => {
    const bits = createBitstring();
    setBit(bits, 4242, true);
    expect(getBit(bits, 4242)).toBe(true);
    expect(getBit(bits, 4241)).toBe(false);
    setBit(bits, 4242, false);
    expect(bits.every((b) => b === 0)).toBe(true);
  });

  it('rejects indexes outside the list', () => {
    expect(() => getBit(createBitstring(), MIN_STATUS_LIST_BITS)).toThrow(RangeError);
    expect(() => setBit(createBitstring(), -1, true)).toThrow(RangeError);
  });

  it('encodes as a "u" multibase base64url string without padding', () => {
    const encoded = encodeBitstring(createBitstring());
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
  });

  it('keeps a large random set of bits through encode/decode', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.nat(MIN_STATUS_LIST_BITS - 1), { maxLength: 2000 }), (indexes) => {
      const bits = createBitstring();
      for (const i of indexes) setBit(bits, i, true);
      const back = decodeBitstring(encodeBitstring(bits));
      const set = new Set(indexes);
      for (let i = 0; i < MIN_STATUS_LIST_BITS; i += 1) if (getBit(back, i) !== set.has(i)) return false;
      return true;
    }), { numRuns: 15 });
  });

  it('refuses lists shorter than the minimum and strings without the multibase prefix', () => {
    const short = `u${gzipSync(new Uint8Array(100)).toString('base64url')}`;
    expect(() => decodeBitstring(short)).toThrow(/minimum/);
    expect(() => decodeBitstring(encodeBitstring(createBitstring()).slice(1))).toThrow(/prefix/);
  });
});

describe('status of a credential', () => {
  function listCredential(revoked: number[], statusPurpose: 'revocation' | 'suspension' = 'revocation') {
    const bits = createBitstring();
    for (const i of revoked) setBit(bits, i, true);
    return buildStatusListCredential({ id: LIST, issuer: ISSUER_DID, statusPurpose, bits, validFrom: '2025-01-01T00:00:00Z' });
  }
  const withEntry = (index: number, purpose: 'revocation' | 'suspension' = 'revocation') =>
    ({ ...sampleCredential(), credentialStatus: buildStatusEntry(LIST, index, purpose) });

  it('builds entries as the spec shows them', () => {
    expect(buildStatusEntry(LIST, 94567, 'revocation')).toEqual({
      id: `${LIST}#94567`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation',
      statusListIndex: '94567', statusListCredential: LIST,
    });
  });

  it('reports a revoked credential and leaves its neighbours active', () => {
    const list = listCredential([7]);
    expect(statusVerdict(checkStatus(withEntry(7), list))).toBe('revocation');
    expect(statusVerdict(checkStatus(withEntry(8), list))).toBe('active');
  });

  it('reports suspension from a suspension list', () => {
    const list = listCredential([3], 'suspension');
    expect(statusVerdict(checkStatus(withEntry(3, 'suspension'), list))).toBe('suspension');
  });

  it('refuses to answer from a list with a different purpose', () => {
    expect(() => checkStatus(withEntry(3, 'suspension'), listCredential([3]))).toThrow(/purpose/);
  });

  it('refuses an expired list credential', () => {
    const list = { ...listCredential([]), validUntil: '2025-02-01T00:00:00Z' };
    expect(() => checkStatus(withEntry(1), list, NOW)).toThrow(/expired/);
  });

  it('signs a status list credential that verifies like any other', async () => {
    const key = await issuerKey();
    const loader = loaderFor([key]);
    const signed = await signCredential(listCredential([1, 2, 3]), { key, documentLoader: loader, now: NOW });
    expect((await verifyCredentialProof(signed, { documentLoader: loader })).verified).toBe(true);
  });
});
