import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/ledger/cli/audit-run.js';
import type { LedgerSource } from '../../../src/ledger/cli/ledger-source.js';
import { progressBar, type Progress } from '../../../src/ledger/cli/progress.js';
import { BANK, KID, makeEntries, signedHeads, streamOf } from './log-fixture.js';

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let written = '';
  stream.on('data', (c: Buffer) => { written += c.toString(); });
  return { stream, text: () => written };
}

async function source(n: number): Promise<LedgerSource> {
  const entries = makeEntries(n);
  const heads = await signedHeads(entries, [n]);
  return {
    describe: 'memory', heads: async () => heads, entries: () => streamOf(entries),
    jwks: async () => ({ keys: [{ ...BANK.publicKey.export({ format: 'jwk' }), kid: KID }] }),
  };
}

describe('progress of long ledger runs', () => {
  it('draws nothing when stderr is not a terminal', async () => {
    const out = capture(false);
    const bar = progressBar('audit', out.stream);
    bar.setTotal(10);
    bar.advance(10);
    bar.stop();
    expect(out.text()).toBe('');
  });

  it('draws a bar on a terminal', async () => {
    const out = capture(true);
    const bar = progressBar('audit', out.stream);
    bar.setTotal(10);
    bar.advance(10);
    bar.stop();
    expect(out.text()).toContain('audit');
    expect(out.text()).toContain('10/10');
  });

  it('the audit reports the signed size as total and counts every entry it reads', async () => {
    const calls: string[] = [];
    const progress: Progress = { setTotal: (n) => calls.push(`total ${n}`), advance: (n) => { if (n) calls.push(`+${n}`); }, stop: () => calls.push('stop') };
    const { report } = await runAudit(await source(2500), progress);
    expect(report.ok).toBe(true);
    expect(calls).toEqual(['total 2500', '+1000', '+1000', '+500', 'stop']);
  });
});
