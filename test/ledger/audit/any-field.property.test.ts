import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditLog, type AuditEntry } from '../../../src/ledger/audit/index.js';
import type { SignedTreeHead } from '../../../src/ledger/merkle/index.js';
import { makeEntries, resolveKey, signedHeads, streamOf } from './log-fixture.js';

/** A different value of the same type: one character changed, or a number moved. */
function altered(value: unknown, position: number, delta: number): unknown {
  if (typeof value === 'number') return value + delta;
  const s = String(value);
  const at = position % s.length;
  const replacement = s[at] === 'A' ? 'B' : 'A';
  return s.slice(0, at) + replacement + s.slice(at + 1);
}

const N = 23;
const SIZES = [1, 5, 8, 16, N];

describe('the auditor and an export with one field altered', () => {
  it('fails whichever single field of whichever entry or tree head is changed, with or without stored leaf hashes', async () => {
    const entries = makeEntries(N);
    const heads = await signedHeads(entries, SIZES);
    const clean = await auditLog({ entries: streamOf(entries), heads, resolveKey });
    expect(clean.ok).toBe(true);

    const target = fc.oneof(
      fc.record({ kind: fc.constant('entry' as const), n: fc.nat(N - 1), field: fc.constantFrom(...Object.keys(entries[0]!)) }),
      fc.record({ kind: fc.constant('head' as const), n: fc.nat(SIZES.length - 1), field: fc.constantFrom(...Object.keys(heads[0]!)) }),
    );
    await fc.assert(fc.asyncProperty(target, fc.nat(10_000), fc.constantFrom(-1, 1, 1000), fc.boolean(), async (t, position, delta, withLeafHashes) => {
      const es: AuditEntry[] = entries.map((e) => (withLeafHashes ? { ...e } : { ...e, leafHash: undefined }));
      const hs: SignedTreeHead[] = heads.map((h) => ({ ...h }));
      const record = (t.kind === 'entry' ? es[t.n] : hs[t.n]) as unknown as Record<string, unknown>;
      if (record[t.field] === undefined) return; // the leaf hash, in the run without leaf hashes
      record[t.field] = altered(record[t.field], position, delta);
      const report = await auditLog({ entries: streamOf(es), heads: hs, resolveKey });
      expect(report.ok, `${t.kind} ${t.n} field ${t.field} altered, yet the audit passed`).toBe(false);
    }), { numRuns: 300 });
  });
});
