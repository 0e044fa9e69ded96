import { randomBytes } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config/config.js';
import { AppContext } from '../src/context.js';
import type { Database } from '../src/db/database.js';
import { createPGlite, kyselyOverPGlite, kyselyOverPostgres } from '../src/db/dialect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { SERVER_NODE_FLAGS } from '../src/runtime.js';
import { PGliteNotifications, PgNotifications, type NotificationSource } from '../src/db/notifications.js';

const execFileAsync = promisify(execFile);

export const BENCH_OPERATOR_SECRET = 'bench-operator-secret';

export interface BenchServer {
  label: string;
  ctx: AppContext;
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** A fresh database for one benchmark: PGlite in memory, or a new database on the PostgreSQL server. */
export async function benchDatabase(postgresUrl?: string, poolSize = 20):
  Promise<{ db: Kysely<Database>; notifications: NotificationSource; label: string; url?: string; drop(): Promise<void> }> {
  if (!postgresUrl) {
    const client = await createPGlite('memory://');
    const db = kyselyOverPGlite(client);
    const notifications = new PGliteNotifications(client);
    return { db, notifications, label: 'PGlite (in memory)', async drop() { await notifications.close(); await db.destroy(); } };
  }
  const name = `cb_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const db = kyselyOverPostgres(url.toString(), poolSize);
  const notifications = new PgNotifications(url.toString());
  return {
    db, notifications, label: 'PostgreSQL', url: url.toString(),
    async drop() {
      await notifications.close();
      await db.destroy();
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The settings every benchmark runs the service with, in-process or as `npm start` (besides its database). */
const BENCH_ENV = {
  KEY_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'), IDENTITY_PEPPER: Buffer.alloc(32, 4).toString('base64'),
  PUBLIC_URL: 'http://127.0.0.1', BOOTSTRAP_OPERATOR_SECRET: BENCH_OPERATOR_SECRET, DEV_IDP: 'true', LOG_LEVEL: 'silent', DEMO_SEED: 'false',
};

/** The whole service on a real socket over a fresh database (PGlite in memory, or a new PostgreSQL database). */
export async function startBenchServer(postgresUrl?: string, overrides: Partial<Config> = {}): Promise<BenchServer> {
  const database = await benchDatabase(postgresUrl);
  await migrateToLatest(database.db);
  const config = loadConfig({ ...BENCH_ENV, DATABASE_URL: 'postgres://bench/unused' }, overrides);
  const ctx = await AppContext.fromConfig(config, { db: database.db, notifications: database.notifications });
  await ctx.prepare();
  await ctx.credentials.signer.warm?.(); // as src/server.ts does before it listens
  const app = await buildApp(ctx);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    label: postgresUrl ? 'PostgreSQL' : 'PGlite', ctx, app, url,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** The service as `npm start` runs it (WORKERS processes), in child processes over a fresh PostgreSQL database. */
export interface ServerProcesses {
  label: string;
  url: string;
  /** A connection to the same database, for seeding. */
  db: Kysely<Database>;
  /** CPU seconds used so far by the supervisor and its server processes. */
  cpuSeconds(): number;
  close(): Promise<void>;
}

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

/** Fields of /proc/<pid>/stat; `childTicks` is the CPU of its children that have exited and been reaped. */
function procStat(pid: number): { command: string; ppid: number; cpuTicks: number; childTicks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ppid: Number(f[1]),
      cpuTicks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined; // the process ended while we read
  }
}

/**
 * CPU seconds used so far by every process of this machine whose command is `command` (PostgreSQL's
 * backends are all `postgres`), counting each process's reaped children too: when a backend or an
 * autovacuum worker exits, its time moves into the postmaster's children time, so a delta over a
 * span stays right however many processes ended in it.
 */
export function cpuSecondsOf(command: string): number {
  let ticks = 0;
  for (const p of readdirSync('/proc')) {
    const st = /^\d+$/.test(p) ? procStat(Number(p)) : undefined;
    if (st?.command === command) ticks += st.cpuTicks + st.childTicks;
  }
  return ticks / 100;
}

const SERVER_ENTRY = fileURLToPath(new URL('../src/server.ts', import.meta.url));

export async function startServerProcesses(postgresUrl: string, workers: number): Promise<ServerProcesses> {
  const database = await benchDatabase(postgresUrl, 4); // the server migrates it
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', SERVER_ENTRY], {
    env: {
      ...process.env, ...BENCH_ENV, DATABASE_URL: database.url, PORT: String(port), WORKERS: String(workers),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = workers > 1 ? `${workers} server processes` : 'listening on';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => { output += d.toString(); if (output.includes(ready)) resolve(); };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  const tree = (): number[] => {
    const pids = [child.pid!];
    for (const p of readdirSync('/proc')) if (/^\d+$/.test(p) && procStat(Number(p))?.ppid === child.pid) pids.push(Number(p));
    return pids;
  };
  return {
    label: `PostgreSQL, ${workers} server process${workers > 1 ? 'es' : ''}`, url: `http://127.0.0.1:${port}`, db: database.db,
    cpuSeconds: () => tree().reduce((sum, pid) => sum + (procStat(pid)?.cpuTicks ?? 0), 0) / 100,
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await database.drop();
    },
  };
}

export interface LoadResult { rps: number; p50: number; p99: number; errors: number; non2xx: number }

const AUTOCANNON_CLI = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
const LOAD_PATHS = fileURLToPath(new URL('./load-paths.mjs', import.meta.url));

/**
 * autocannon against one URL for a fixed time, latency in ms. The load generator runs in its own
 * process so it does not compete with the server for the server's event loop.
 */
export async function load(url: string, opts: { seconds: number; connections: number; headers?: Record<string, string>; method?: 'GET' | 'POST'; body?: string;
  /** GET these paths of `url` in turn (each connection cycles through the list) instead of `url` alone. */
  paths?: string[] }): Promise<LoadResult> {
  let args: string[];
  if (opts.paths) {
    // autocannon's command line takes one URL; a list of requests needs its API, run in its own process too.
    args = [LOAD_PATHS, JSON.stringify({ url, seconds: opts.seconds, connections: opts.connections, headers: opts.headers ?? {}, paths: opts.paths })];
  } else {
    args = [AUTOCANNON_CLI, '--json', '-d', String(opts.seconds), '-c', String(opts.connections), '-m', opts.method ?? 'GET'];
    for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
    if (opts.body !== undefined) args.push('-b', opts.body);
    args.push(url);
  }
  const { stdout } = await execFileAsync(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  const r = JSON.parse(stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);
