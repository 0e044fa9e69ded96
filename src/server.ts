import { buildApp } from './app.js';
import { loadConfig } from './config/config.js';
import { readEnv } from './config/env.js';
import { AppContext } from './context.js';
import { migrateToLatest } from './db/migrate.js';
import { startup } from './startup.js';
import { IntegratorTimer } from './ledger/integrator-timer.js';

/** Loads config, builds the context, migrates, listens, and shuts down gracefully. */
async function main(): Promise<void> {
  const config = loadConfig(readEnv());
  const ctx = await AppContext.fromConfig(config);
  await migrateToLatest(ctx.db);
  await ctx.prepare();
  // Signing threads started and warmed before the first request (a few hundred ms of CPU per thread).
  await ctx.credentials.signer.warm?.();
  const app = await buildApp(ctx);
  const notes = await startup(ctx);
  await app.listen({ port: config.port, host: config.host });
  // Integrates ledger entries into the Merkle tree and signs tree heads while the server runs.
  const integrator = new IntegratorTimer(ctx.ledgerService, config.ledger.integrateIntervalMs, ctx.logger);
  integrator.start();
  // Start-up notes are for the person at the terminal: plain text, not JSON log lines.
  process.stdout.write(`${notes.join("\n")}\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    ctx.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      await app.close();
      await integrator.stop();
      await ctx.close();
      process.exit(0);
    } catch (err) {
      ctx.logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
