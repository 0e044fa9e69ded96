import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { loadConfig, type Config } from './config/config.js';
import { readEnv } from './config/env.js';
import { AppContext } from './context.js';
import { migrateToLatest } from './db/migrate.js';
import { tuneRuntime } from './runtime.js';
import { startup } from './startup.js';
import { serverJobs } from './jobs/server-jobs.js';

/** A worker that exits this many times within RESTART_WINDOW_MS stops the whole server instead of restarting. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/** Loads config and serves: in this process, or (WORKERS > 1) from worker processes this one supervises. */
async function main(): Promise<void> {
  tuneRuntime();
  const config = loadConfig(readEnv());
  if (cluster.isPrimary && config.workers > 1) await supervise(config);
  else await serve(config);
}

/**
 * One server process: builds the context, migrates (unless a supervisor did), listens, integrates the
 * ledger, and shuts down gracefully. Under a supervisor it reports 'ready' instead of printing notes.
 */
async function serve(config: Config): Promise<void> {
  const ctx = await AppContext.fromConfig(config);
  if (!cluster.isWorker) await migrateToLatest(ctx.db);
  await ctx.prepare(); // under a supervisor a no-op: the bundled data is loaded, the operator exists
  // Signing threads started and warmed before the first request (a few hundred ms of CPU per thread).
  await ctx.credentials.signer.warm?.();
  const app = await buildApp(ctx);
  const notes = cluster.isWorker ? [] : await startup(ctx);
  await app.listen({ port: config.port, host: config.host });
  // The ledger integrator and the Idempotency-Key purge, while the server runs.
  const jobs = serverJobs(ctx);
  for (const job of jobs) job.start();
  // Start-up notes are for the person at the terminal: plain text, not JSON log lines.
  if (cluster.isWorker) process.send?.('ready');
  else process.stdout.write(`${notes.join('\n')}\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    ctx.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      await app.close();
      await Promise.all(jobs.map((job) => job.stop()));
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

/**
 * WORKERS > 1: migrates and loads the bundled data once, then runs that many server processes on the
 * same port (node:cluster hands each connection to one of them), restarts one that dies, and on
 * SIGTERM/SIGINT lets each finish its in-flight requests before exiting.
 */
async function supervise(config: Config): Promise<void> {
  const ctx = await AppContext.fromConfig(config);
  const logger: Logger = ctx.logger;
  await migrateToLatest(ctx.db);
  await ctx.prepare();
  const notes = await startup(ctx);
  await ctx.close();

  let closing = false;
  let ready = 0;
  const exits: number[] = [];
  const start = (): Worker => {
    const worker = cluster.fork();
    worker.once('message', (m: unknown) => {
      if (m !== 'ready' || ++ready !== config.workers) return;
      process.stdout.write(`${[...notes, `${config.workers} server processes (WORKERS=${config.workers}), supervisor pid ${process.pid}`].join('\n')}\n`);
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (closing) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    const now = Date.now();
    exits.push(now);
    while (exits.length > 0 && exits[0]! < now - RESTART_WINDOW_MS) exits.shift();
    if (exits.length > MAX_RESTARTS) {
      logger.error({ worker: worker.process.pid, code, signal }, `server processes exited ${exits.length} times within a minute; stopping`);
      closing = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = 1;
      return;
    }
    logger.warn({ worker: worker.process.pid, code, signal }, 'a server process exited; starting another');
    start();
  });
  for (let i = 0; i < config.workers; i++) start();

  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: each server process finishes its in-flight requests');
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const w of workers) w?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
