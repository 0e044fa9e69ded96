import type { Command } from 'commander';
import type { Actor } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { formatAudit, parseSelector, runAudit, runInclusion } from './audit-run.js';
import { checkDocumentEvents, exportFinder, httpFinder, readJson, recordExportEvents } from './document-check.js';
import { exportLedger } from './ledger-export.js';
import { sourceOf } from './ledger-source.js';
import { progressBar } from './progress.js';

type WithContext = <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>;

const CLI_ACTOR: Actor = { principal: { kind: 'operator', clientId: 'cli', scopes: ['*'] }, requestId: `cli-${process.pid}` };

/** `ledger:integrate`, `ledger:verify-db`, `ledger:export`, `ledger:rotate-key`, `audit`, `audit:inclusion`. */
export function registerLedgerCommands(program: Command, withContext: WithContext): void {
  program.command('ledger:rotate-key').description('Rotate the tree-head signing key (the old key stays published, so old heads still verify)')
    .action(async () => {
      const r = await withContext((ctx) => ctx.ledgerService.rotateHeadKey(CLI_ACTOR));
      console.log(`New tree-head key ${r.keyId}; retired ${r.retired.join(', ') || 'none'} (still published at /ledger/keys)`);
    });

  program.command('ledger:integrate').description('Integrate committed ledger entries into the Merkle tree and sign a tree head')
    .action(async () => {
      const r = await withContext((ctx) => ctx.ledgerService.integrate());
      console.log(r.busy ? 'Another integrator is running; nothing done' : `Integrated ${r.integrated} entries; tree size ${r.treeSize}; ${r.headsSigned} head(s) signed`);
    });

  program.command('ledger:verify-db').description('Recompute every entry\'s body digest from the database rows; exit 1 if any row was changed')
    .option('--json', 'print the report as JSON').action(async (o: { json?: boolean }) => {
      const bar = progressBar('ledger:verify-db');
      const report = await withContext((ctx) => ctx.ledgerService.checkDatabase({ onTotal: (n) => bar.setTotal(n), onBatch: (n) => bar.advance(n) }))
        .finally(() => bar.stop());
      if (o.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(`Checked ${report.entriesChecked} entries (${report.bodiesChecked} bodies rebuilt) in ${report.seconds.toFixed(2)} s`);
        for (const [type, n] of Object.entries(report.uncheckedByType)) console.log(`  not checkable (no body source registered): ${n} × ${type}`);
        for (const p of report.problems) console.log(`  ${p.kind}: entry ${p.entryId} (leaf ${p.leafIndex ?? 'pending'}) ${p.eventType} ${p.resourceType}/${p.resourceId}`);
        console.log(report.ok ? 'OK: every row matches what the ledger logged' : `FAILED: ${report.problemCount} row(s) no longer match the ledger`);
      }
      if (!report.ok) process.exitCode = 1;
    });

  program.command('ledger:export').argument('<file>', 'NDJSON file to write').description('Export the public ledger (keys, signed heads, entries) for an offline audit')
    .action(async (file: string) => {
      const r = await withContext((ctx) => exportLedger(ctx.ledgerService, file, progressBar('ledger:export')));
      console.log(`Wrote ${r.entries} entries and ${r.heads} tree heads to ${file}`);
    });

  program.command('audit').description('Audit a ledger: recompute every leaf and root, check every signed head; exit 1 at the first inconsistency')
    .requiredOption('--from <url-or-file>', 'base URL of a bank (e.g. http://localhost:3000) or a file from ledger:export')
    .action(async (o: { from: string }) => {
      const source = sourceOf(o.from);
      const result = await runAudit(source, progressBar('audit'));
      for (const line of formatAudit(source.describe, result)) console.log(line);
      if (!result.report.ok) process.exitCode = 1;
    });

  program.command('audit:inclusion').description('Check that a credential or record event is in the log, against a verified signed head; with --export, that every event of a learner\'s record export is, unaltered')
    .requiredOption('--from <url-or-file>', 'base URL of the bank, or (with --export) a file from ledger:export').option('--entry <id>', 'ledger entry id')
    .option('--resource <type:id>', 'e.g. credential:<id> or achievement_version:<id>')
    .option('--export <file>', 'a learner\'s record export (GET /learners/{id}/record/export)')
    .action(async (o: { from: string; entry?: string; resource?: string; export?: string }) => {
      if (o.export) {
        const events = recordExportEvents(await readJson(o.export));
        const finder = /^https?:\/\//.test(o.from) ? httpFinder(o.from) : exportFinder(o.from);
        const { ok, results } = await checkDocumentEvents(events, finder);
        for (const r of results) console.log(r.ok ? `OK      ${r.label}: entry ${r.entryId}, leaf ${r.leafIndex} of the signed tree of size ${r.treeSize}` : `FAILED  ${r.label}: entry ${r.entryId}: ${r.reason}`);
        console.log(ok ? `OK: all ${results.length} events of the export are in the log, unaltered` : `FAILED: ${results.filter((r) => !r.ok).length} of ${results.length} events do not match the log`);
        if (!ok) process.exitCode = 1;
        return;
      }
      if (!/^https?:\/\//.test(o.from)) throw new Error('--entry and --resource need --from <url>');
      const run = await runInclusion(o.from, parseSelector(o));
      if (run.check.ok) {
        console.log(`OK: entry ${run.entry!.entryId} (${run.entry!.eventType}, leaf ${run.entry!.index}) is in the tree of size ${run.check.head.treeSize}`);
        console.log(`  signed root ${run.check.head.rootHash} at ${new Date(run.check.head.timestamp).toISOString()} by ${run.head!.kid}`);
      } else {
        console.log(`FAILED: ${run.check.reason}`);
        process.exitCode = 1;
      }
    });
}
