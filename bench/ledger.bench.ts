import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { KeyStore } from '../src/keys/key-store.js';
import { LedgerBodies } from '../src/ledger/body-registry.js';
import { runAudit } from '../src/ledger/cli/audit-run.js';
import { exportLedger } from '../src/ledger/cli/ledger-export.js';
import { fileSource } from '../src/ledger/cli/ledger-source.js';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { TreeHeadKeys } from '../src/ledger/tree-head-keys.js';
import type { BenchContext, Benchmark } from './registry.js';
import { growTree, proofLatency } from './ledger-large-tree.js';
import { benchDatabase } from './support.js';

const freshDatabase = (postgresUrl?: string) => benchDatabase(postgresUrl, 40);

/** `writers` concurrent loops, each appending `perWriter` entries, one transaction per entry (as a deposit does). */
async function appendThroughput(db: Kysely<Database>, writers: number, perWriter: number): Promise<number> {
  const writer = new LedgerWriter(Buffer.alloc(32, 5));
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; i < perWriter; i++) {
      await db.transaction().execute((trx) => writer.append(trx, {
        eventType: 'achievement.deposited', actor: `institution:bench-${w}/client:c`, learnerId: null,
        resourceType: 'bench', resourceId: `${w}:${i}`, body: { w, i, credits: '7.5' }, at: new Date(),
      }));
    }
  }));
  return (writers * perWriter) / ((performance.now() - started) / 1000);
}

function ledgerService(db: Kysely<Database>): LedgerService {
  const keys = new KeyStore(db, Buffer.alloc(32, 6), () => new Date());
  return new LedgerService(db, new TreeHeadKeys(keys), new LedgerBodies(), {
    batchSize: 5000, headEveryEntries: 100_000, headEverySeconds: 3600, integrateIntervalMs: 0,
  }, () => new Date());
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function writeAndAudit(ctx: BenchContext, postgresUrl: string | undefined): Promise<string[]> {
  const { db, label, drop } = await freshDatabase(postgresUrl);
  try {
    await migrateToLatest(db);
    const lines = [`**${label}**`, '', '| measure | value |', '|---|---|'];
    const rounds = ctx.smoke ? [[2, 10]] : postgresUrl ? [[1, 1000], [8, 500], [32, 250]] : [[1, 1000]];
    for (const [writers, perWriter] of rounds) {
      lines.push(`| append, ${writers} concurrent writer(s), 1 entry per transaction | ${fmt(await appendThroughput(db, writers!, perWriter!))} entries/s |`);
    }
    const extra = ctx.smoke ? 0 : 40_000;
    if (extra > 0) await sql`insert into ledger_entries (subject_ref, event_type, actor, recorded_at, body_digest, resource_type, resource_id)
      select md5(i::text), 'achievement.deposited', 'institution:bench', now(), encode(sha256(i::text::bytea), 'hex'), 'bench', 'bulk:' || i
      from generate_series(1, ${extra}) i`.execute(db);
    const ledger = ledgerService(db);
    const started = performance.now();
    const result = await ledger.integrate();
    const seconds = (performance.now() - started) / 1000;
    lines.push(`| integrator (batches of 5,000, leaf hashes + nodes + head) | ${fmt(result.integrated / seconds)} entries/s (${fmt(result.integrated)} in ${seconds.toFixed(1)} s) |`);
    const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
    try {
      const file = join(dir, 'export.ndjson');
      const exportStart = performance.now();
      await exportLedger(ledger, file);
      const exportSeconds = (performance.now() - exportStart) / 1000;
      const audit = await runAudit(fileSource(file));
      if (!audit.report.ok) throw new Error(`bench audit failed: ${audit.report.problem?.message}`);
      lines.push(`| export (NDJSON, via the service) | ${fmt(result.integrated / exportSeconds)} entries/s |`);
      lines.push(`| auditor from the export file (recompute leaves, tree, check heads) | ${fmt(audit.entriesPerSecond)} entries/s (${fmt(audit.report.entriesChecked)} entries) |`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return lines;
  } finally {
    await drop();
  }
}

async function largeTree(ctx: BenchContext, postgresUrl: string | undefined): Promise<string[]> {
  const { db, label, drop } = await freshDatabase(postgresUrl);
  try {
    await migrateToLatest(db);
    const checkpoints = ctx.smoke ? [500, 2000] : postgresUrl ? [10_000, 100_000, 1_000_000, 10_000_000] : [10_000, 100_000, 1_000_000];
    const ledger = ledgerService(db);
    const lines = [`**${label}: proof latency as the tree grows** (service call: entry + one node query + build)`, '',
      '| tree size | load rate | inclusion p50 | inclusion p95 | consistency p50 | consistency p95 |', '|---|---|---|---|---|---|'];
    let size = 0;
    const budgetEnds = Date.now() + (ctx.smoke ? 60_000 : 12 * 60_000);
    for (const target of checkpoints) {
      if (Date.now() > budgetEnds) {
        lines.push(`| ${fmt(target)} | not reached: time budget spent | | | | |`);
        break;
      }
      const load = await growTree(db, size, target);
      size = target;
      const lat = await proofLatency(ledger, size, ctx.smoke ? 20 : 300);
      lines.push(`| ${fmt(size)} | ${fmt(load)} leaves/s | ${lat.inclusion.p50.toFixed(2)} ms | ${lat.inclusion.p95.toFixed(2)} ms | ${lat.consistency.p50.toFixed(2)} ms | ${lat.consistency.p95.toFixed(2)} ms |`);
    }
    return lines;
  } finally {
    await drop();
  }
}

export const ledgerBench: Benchmark = {
  name: 'ledger',
  async run(ctx) {
    const url = ctx.postgresUrl;
    return [...await writeAndAudit(ctx, url), '', ...await largeTree(ctx, url)];
  },
};
