import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { JWK } from 'jose';
import type { AuditEntry } from '../audit/index.js';
import type { SignedTreeHead } from '../merkle/index.js';

/** Where an auditor reads a ledger from: the public routes of a running bank, or an export file. */
export interface LedgerSource {
  describe: string;
  jwks(): Promise<{ keys: JWK[] }>;
  heads(): Promise<SignedTreeHead[]>;
  /** Entries in index order, streamed. */
  entries(): AsyncIterable<AuditEntry>;
}

export type GetJson = (url: string) => Promise<unknown>;

/** Plain `fetch`; throws with the status and body on anything but 200. */
export const fetchJson: GetJson = async (url) => {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
};

/** Pages through /ledger/keys, /ledger/tree-heads and /ledger/entries of a bank at `baseUrl`. */
export function httpSource(baseUrl: string, get: GetJson = fetchJson, pageSize = 1000): LedgerSource {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    describe: base,
    jwks: async () => (await get(`${base}/ledger/keys`)) as { keys: JWK[] },
    async heads() {
      const heads: SignedTreeHead[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = (await get(`${base}/ledger/tree-heads?limit=500${q}`)) as { items: SignedTreeHead[]; nextCursor: string | null };
        heads.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return heads;
    },
    async *entries() {
      // Page by index up to the size the log reports, even past short pages: a deleted entry
      // must show up as a gap, not end the download.
      for (let start = 0, treeSize = 1; start < treeSize; start += pageSize) {
        const page = (await get(`${base}/ledger/entries?start=${start}&end=${start + pageSize}`)) as { treeSize: number; entries: AuditEntry[] };
        treeSize = page.treeSize;
        yield* page.entries;
      }
    },
  };
}

/** An export line: `{"type":"key"|"head"|"entry", ...}`, one JSON object per line (NDJSON). */
type ExportLine = { type: 'export'; version: number } | ({ type: 'key' } & JWK) | ({ type: 'head' } & SignedTreeHead) | ({ type: 'entry' } & AuditEntry);

async function* lines(path: string): AsyncIterable<ExportLine> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n += 1;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as ExportLine;
    } catch (cause) {
      throw new Error(`${path}:${n}: not JSON`, { cause });
    }
  }
}

function strip<T extends { type: string }>(line: T): Omit<T, 'type'> {
  const { type: _type, ...rest } = line;
  return rest;
}

/** Reads an NDJSON export written by `ledger:export` (keys and heads are small; entries stream). */
export function fileSource(path: string): LedgerSource {
  return {
    describe: path,
    async jwks() {
      const keys: JWK[] = [];
      for await (const line of lines(path)) if (line.type === 'key') keys.push(strip(line));
      return { keys };
    },
    async heads() {
      const heads: SignedTreeHead[] = [];
      for await (const line of lines(path)) if (line.type === 'head') heads.push(strip(line) as SignedTreeHead);
      return heads;
    },
    async *entries() {
      for await (const line of lines(path)) if (line.type === 'entry') yield strip(line) as AuditEntry;
    },
  };
}

/** A URL (http/https) or a file path. */
export function sourceOf(from: string, get?: GetJson): LedgerSource {
  return /^https?:\/\//.test(from) ? httpSource(from, get) : fileSource(from);
}
