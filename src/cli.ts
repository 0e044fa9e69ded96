import { Command } from 'commander';
import { loadConfig } from './config/config.js';
import { readEnv } from './config/env.js';
import { AppContext } from './context.js';
import { migrateAllDown, migrateToLatest } from './db/migrate.js';
import { INSTITUTION_SCOPES, type Actor } from './auth/principal.js';
import { parseInstitutionId, parseInstitutionKind, parseScopes, parseText } from './institutions/cli-input.js';
import { INSTITUTION_KINDS } from './institutions/institutions.service.js';
import { registerLedgerCommands } from './ledger/cli/commands.js';
import { registerRecordCommands } from './records/import-command.js';

/** The operator's command line: `npm run cli -- <command>`. Commands use the same services as the API. */
const program = new Command('credit-bank').description('Operator command line of the credit bank');
const CLI_ACTOR: Actor = { principal: { kind: 'operator', clientId: 'cli', scopes: ['*'] }, requestId: `cli-${process.pid}` };

export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await AppContext.fromConfig(loadConfig(readEnv()));
  try {
    await migrateToLatest(ctx.db);
    await ctx.prepare();
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

program.command('migrate').description('Apply all migrations (or --down to revert them all)')
  .option('--down', 'revert every migration').action(async (opts: { down?: boolean }) => {
    const ctx = await AppContext.fromConfig(loadConfig(readEnv()));
    try {
      if (opts.down) await migrateAllDown(ctx.db);
      else await migrateToLatest(ctx.db);
      console.log(opts.down ? 'All migrations reverted' : 'Migrations current');
    } finally {
      await ctx.close();
    }
  });

program.command('institution:create').description('Register an institution')
  .requiredOption('--name-en <name>').option('--name-zh <name>')
  .requiredOption('--kind <kind>', INSTITUTION_KINDS.join(' | ')).requiredOption('--country <cc>', 'ISO 3166-1 alpha-2')
  .option('--region <code>', 'GB/T 2260 code').option('--uscc <code>', 'unified social credit code').option('--slug <slug>')
  .action(async (o: { nameEn: string; nameZh?: string; kind: string; country: string; region?: string; uscc?: string; slug?: string }) => {
    const kind = parseInstitutionKind(o.kind); // before the database is opened: bad input writes nothing
    await withContext(async (ctx) => {
      const { institution, created } = await ctx.institutions.create({
        name: { en: o.nameEn, zh: o.nameZh }, kind, country: o.country,
        regionCode: o.region, uscc: o.uscc, slug: o.slug,
      }, CLI_ACTOR);
      console.log(JSON.stringify({ created, institution }, null, 2));
    });
  });

program.command('client:create').description('Create an API client for an institution; prints the secret once')
  .requiredOption('--institution <id>').requiredOption('--name <name>').option('--scopes <list>', `comma-separated, from: ${INSTITUTION_SCOPES.join(', ')}`)
  .action(async (o: { institution: string; name: string; scopes?: string }) => {
    const institutionId = parseInstitutionId(o.institution);
    const scopes = parseScopes(o.scopes);
    await withContext(async (ctx) => {
      console.log(JSON.stringify(await ctx.institutions.createClient(institutionId, { name: o.name, scopes }, CLI_ACTOR), null, 2));
    });
  });

program.command('operator:create').description('Create another operator client (full access); prints the secret once')
  .requiredOption('--name <name>', 'who or what uses it, e.g. a staff member or a deployment job')
  .action(async (o: { name: string }) => {
    const name = parseText('--name', o.name);
    await withContext(async (ctx) => {
      console.log(JSON.stringify(await ctx.institutions.createOperator(name, CLI_ACTOR), null, 2));
    });
  });

program.command('client:revoke').description("Revoke an API client of any kind, an operator's included (the last operator is kept: create another first)")
  .argument('<clientId>').requiredOption('--reason <text>', 'why, for the audit trail')
  .action(async (clientId: string, o: { reason: string }) => {
    const reason = parseText('--reason', o.reason);
    await withContext(async (ctx) => {
      console.log(JSON.stringify(await ctx.institutions.revokeAnyClient(clientId, reason, CLI_ACTOR), null, 2));
    });
  });

// Domain commands register below.

program.command('frameworks:load').description('Load framework data files (default: the bundled frameworks/); a loaded version never changes')
  .argument('[dir]', 'directory of framework JSON files').action(async (dir?: string) => {
    await withContext(async (ctx) => {
      const { BUNDLED_FRAMEWORKS_DIR } = await import('./frameworks/frameworks.service.js');
      console.log(JSON.stringify(await ctx.frameworks.loadDirectory(dir ?? BUNDLED_FRAMEWORKS_DIR, CLI_ACTOR), null, 2));
    });
  });
registerLedgerCommands(program, withContext);
registerRecordCommands(program, withContext);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
