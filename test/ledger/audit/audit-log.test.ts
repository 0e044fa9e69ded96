import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditLog, type AuditEntry } from '../../../src/ledger/audit/index.js';
import { leafHashOf, signTreeHead, toBase64 } from '../../../src/ledger/merkle/index.js';
import { BANK, INTRUDER, KID, consistencyProofs, makeEntries, makeEntry, resolveKey, rootAt, signedHeads, streamOf } from './log-fixture.js';

const N = 40;
const SIZES = [0, 5, 12, 20, 33, 40];
const entries = makeEntries(N);
const heads = await signedHeads(entries, SIZES);
const proofs = consistencyProofs(entries, SIZES);
const withoutStoredLeaves = (list: AuditEntry[]) => list.map(({ leafHash: _ignored, ...rest }) => rest);
const altered = (list: AuditEntry[], i: number, change: Partial<AuditEntry>) => list.map((e, j) => (j === i ? { ...e, ...change } : e));

describe('auditLog on an honest log', () => {
  it('recomputes every root, checks every head and proof, from an async stream', async () => {
    const report = await auditLog({ entries: streamOf(entries), heads, resolveKey, consistencyProofs: proofs });
    expect(report).toMatchObject({ ok: true, entriesChecked: N, headsChecked: SIZES.length, consistencyProofsChecked: SIZES.length - 1 });
    expect(report.rootHash).toBe(heads.at(-1)!.rootHash);
    expect(report.problem).toBeUndefined();
  });

  it('accepts heads in any order, a re-signed head of the same size, and unsigned trailing entries', async () => {
    const resigned = await signTreeHead({ ...heads[2]!, timestamp: heads[2]!.timestamp + 1 }, BANK.privateKey, KID);
    const more = makeEntries(N + 3);
    const report = await auditLog({ entries: more, heads: [...heads].reverse().concat(resigned), resolveKey });
    expect(report).toMatchObject({ ok: true, entriesChecked: N + 3, headsChecked: SIZES.length + 1 });
  });
});

describe('auditLog names the first inconsistency', () => {
  it('an altered entry, by index, when the export carries stored leaf hashes', async () => {
    const report = await auditLog({ entries: altered(entries, 17, { actor: 'did:web:forger.example' }), heads, resolveKey });
    expect(report.problem).toMatchObject({ kind: 'leaf-hash-mismatch', entryIndex: 17, expected: toBase64(leafHashOf({ ...entries[17]!, actor: 'did:web:forger.example' })), found: entries[17]!.leafHash });
    expect(report.entriesChecked).toBe(17);
  });

  it('an altered entry without stored leaf hashes, by the first head over it and the range holding it', async () => {
    const tampered = altered(withoutStoredLeaves(entries), 17, { eventType: 'award' === entries[17]!.eventType ? 'deposit' : 'award' });
    const report = await auditLog({ entries: tampered, heads, resolveKey });
    expect(report.problem).toMatchObject({ kind: 'root-mismatch', treeSize: 20, suspectRange: { from: 12, to: 20 }, found: heads[3]!.rootHash, expected: rootAt(tampered, 20) });
  });

  it('an altered entry whose stored leaf hash was rewritten too, by the signed root', async () => {
    const forged = { ...entries[3]!, bodyDigest: 'f'.repeat(64) };
    const report = await auditLog({ entries: altered(entries, 3, { ...forged, leafHash: toBase64(leafHashOf(forged)) }), heads, resolveKey });
    expect(report.problem).toMatchObject({ kind: 'root-mismatch', treeSize: 5, suspectRange: { from: 0, to: 5 } });
  });

  it('a deleted entry, by its index', async () => {
    const report = await auditLog({ entries: entries.filter((e) => e.index !== 26), heads, resolveKey });
    expect(report.problem).toMatchObject({ kind: 'index-gap', entryIndex: 26, expected: '26', found: '27' });
  });

  it('a deleted entry hidden by renumbering the rest, by its index', async () => {
    const renumbered = entries.filter((e) => e.index !== 26).map((e, i) => ({ ...e, index: i }));
    const report = await auditLog({ entries: renumbered, heads, resolveKey });
    expect(report.problem).toMatchObject({ kind: 'leaf-hash-mismatch', entryIndex: 26 });
    const bare = await auditLog({ entries: withoutStoredLeaves(renumbered), heads, resolveKey });
    expect(bare.problem).toMatchObject({ kind: 'root-mismatch', treeSize: 33, suspectRange: { from: 20, to: 33 } });
  });

  it('a reordered pair, by the first index out of place', async () => {
    const swapped = entries.map((e, i) => (i === 8 ? entries[9]! : i === 9 ? entries[8]! : e));
    expect((await auditLog({ entries: swapped, heads, resolveKey })).problem).toMatchObject({ kind: 'index-gap', entryIndex: 8, found: '9' });
    const relabelled = swapped.map((e, i) => ({ ...e, index: i }));
    expect((await auditLog({ entries: relabelled, heads, resolveKey })).problem).toMatchObject({ kind: 'leaf-hash-mismatch', entryIndex: 8 });
  });

  it('a forked head: validly signed but over a different history', async () => {
    const fork = entries.map((e, i) => (i >= 14 ? { ...makeEntry(i, 1) } : e));
    const forkHead = await signTreeHead({ ...heads[3]!, rootHash: rootAt(fork, 20) }, BANK.privateKey, KID);
    const report = await auditLog({ entries, heads: heads.map((h) => (h.treeSize === 20 ? forkHead : h)), resolveKey });
    expect(report.problem).toMatchObject({ kind: 'root-mismatch', treeSize: 20, found: forkHead.rootHash, expected: heads[3]!.rootHash, suspectRange: { from: 12, to: 20 } });
  });

  it('two validly signed heads of one size with different roots', async () => {
    const fork = entries.map((e, i) => (i >= 30 ? { ...makeEntry(i, 1) } : e));
    const forkHead = await signTreeHead({ ...heads[4]!, rootHash: rootAt(fork, 33) }, BANK.privateKey, KID);
    const report = await auditLog({ entries, heads: [...heads, forkHead], resolveKey });
    expect(report.problem).toMatchObject({ kind: 'forked-heads', treeSize: 33 });
  });

  it('a consistency proof that does not link two signed heads', async () => {
    const bad = proofs.map((p) => (p.first === 12 ? { ...p, hashes: [...p.hashes].reverse() } : p));
    const report = await auditLog({ entries, heads, resolveKey, consistencyProofs: bad });
    expect(report.problem).toMatchObject({ kind: 'bad-consistency-proof', treeSize: 20 });
    const orphan = await auditLog({ entries, heads, resolveKey, consistencyProofs: [{ first: 5, second: 7, hashes: [] }] });
    expect(orphan.problem).toMatchObject({ kind: 'bad-consistency-proof', treeSize: 7 });
  });

  it('a head not signed by the bank', async () => {
    const [intruder] = await signedHeads(entries, [12], INTRUDER.privateKey);
    const report = await auditLog({ entries, heads: heads.map((h) => (h.treeSize === 12 ? intruder! : h)), resolveKey });
    expect(report.problem).toMatchObject({ kind: 'bad-signature', treeSize: 12 });
  });

  it('a truncated log, by the first missing index', async () => {
    const report = await auditLog({ entries: entries.slice(0, 35), heads, resolveKey });
    expect(report.problem).toMatchObject({ kind: 'missing-entries', entryIndex: 35, treeSize: 40 });
  });

  it('a larger head dated before a smaller one', async () => {
    const late = await signTreeHead({ ...heads[1]!, timestamp: heads[4]!.timestamp + 1 }, BANK.privateKey, KID);
    const report = await auditLog({ entries, heads: heads.map((h) => (h.treeSize === 5 ? late : h)), resolveKey });
    expect(report.problem).toMatchObject({ kind: 'timestamp-regression', treeSize: 12 });
  });

  it('a malformed entry', async () => {
    const report = await auditLog({ entries: altered(entries, 2, { bodyDigest: 'not-hex' }), heads, resolveKey });
    expect(report.problem).toMatchObject({ kind: 'invalid-entry', entryIndex: 2 });
  });
});

describe('auditLog property: any single tampering is reported at the first bad index', () => {
  it('altered, deleted or swapped entries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(N - 2), fc.constantFrom('alter', 'delete', 'swap'), async (i, how) => {
        const tampered =
          how === 'alter' ? altered(entries, i, { recordedAt: '2030-01-01T00:00:00.000Z' })
          : how === 'delete' ? entries.filter((e) => e.index !== i)
          : entries.map((e, j) => (j === i ? entries[i + 1]! : j === i + 1 ? entries[i]! : e));
        const report = await auditLog({ entries: tampered, heads, resolveKey });
        expect(report.ok).toBe(false);
        expect(report.problem!.entryIndex).toBe(i);
        const firstHeadOver = SIZES.find((s) => s > i)!;
        const bare = await auditLog({ entries: withoutStoredLeaves(tampered), heads, resolveKey });
        expect(bare.problem!.entryIndex ?? bare.problem!.treeSize).toBe(how === 'alter' ? firstHeadOver : i);
      }),
      { numRuns: 60 },
    );
  });
});
