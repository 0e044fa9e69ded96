import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { LedgerService } from '../ledger.service.js';
import type { Progress } from './progress.js';

/**
 * Writes the public ledger as NDJSON: one `export` line, the keys, the signed heads, then every
 * entry in index order, batch by batch. An auditor reads it with `audit --from FILE`.
 */
export async function exportLedger(ledger: LedgerService, path: string, progress?: Progress): Promise<{ entries: number; heads: number }> {
  const out = createWriteStream(path, 'utf8');
  const write = async (value: unknown) => {
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
  };
  await write({ type: 'export', version: 1 });
  for (const key of (await ledger.jwks()).keys) await write({ type: 'key', ...key });
  let heads = 0;
  for (let cursor: string | undefined; ;) {
    const page = await ledger.treeHeads(cursor, 500);
    for (const head of page.items) await write({ type: 'head', ...head });
    heads += page.items.length;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  let entries = 0;
  for (let start = 0, treeSize = 1; start < treeSize; start += 1000) {
    const page = await ledger.entries(start, start + 1000);
    if (page.treeSize !== treeSize) progress?.setTotal(page.treeSize);
    treeSize = page.treeSize;
    for (const entry of page.entries) await write({ type: 'entry', ...entry });
    entries += page.entries.length;
    progress?.advance(page.entries.length);
  }
  progress?.stop();
  out.end();
  await once(out, 'finish');
  return { entries, heads };
}
