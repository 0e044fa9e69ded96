import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { OPERATOR_SECRET, TEST_KEK, TEST_PEPPER } from '../helpers/test-app.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/test-db.js';

const SERVER_KEYS = { KEY_ENCRYPTION_KEY: TEST_KEK, IDENTITY_PEPPER: TEST_PEPPER };

describe('WORKERS', () => {
  it('is 1 unless set, a count or auto, and refused with the embedded database', () => {
    expect(loadConfig({ ...SERVER_KEYS, DATABASE_URL: 'postgres://x/y' }).workers).toBe(1);
    expect(loadConfig({ ...SERVER_KEYS, DATABASE_URL: 'postgres://x/y', WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ ...SERVER_KEYS, DATABASE_URL: 'postgres://x/y', WORKERS: 'auto' }).workers).toBeGreaterThanOrEqual(1);
    expect(() => loadConfig({ ...SERVER_KEYS, DATABASE_URL: 'postgres://x/y', WORKERS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...SERVER_KEYS, DATABASE_URL: 'postgres://x/y', WORKERS: 'two' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...SERVER_KEYS, WORKERS: '2' })).toThrow(/needs DATABASE_URL/);
  });

  it('shares the cores out as signing threads (at least one per process) unless SIGNING_THREADS is set', () => {
    const pg = { ...SERVER_KEYS, DATABASE_URL: 'postgres://x/y' };
    const cores = availableParallelism();
    expect(loadConfig(pg).signingThreads).toBe(cores);
    expect(loadConfig({ ...pg, WORKERS: 'auto' }).signingThreads).toBe(1);
    expect(loadConfig({ ...pg, WORKERS: String(cores * 4) }).signingThreads).toBe(1);
    expect(loadConfig({ ...pg, WORKERS: '2', SIGNING_THREADS: '3' }).signingThreads).toBe(3);
    expect(() => loadConfig({ ...pg, SIGNING_THREADS: '0' })).toThrow(/SIGNING_THREADS/);
  });
});

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

/** Server processes whose parent is `pid` (from /proc; tsx's esbuild helper is a child too). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('src/server.ts')) out.push(Number(p));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Several processes need a database server: the embedded one lives in one process.
describe.runIf(onPostgres)('the server with WORKERS=2 (PostgreSQL)', () => {
  let database: TestDatabase;
  let child: ChildProcess;
  let url = '';
  let output = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, ...SERVER_KEYS, DATABASE_URL: database.url, PORT: String(port), WORKERS: '2',
        BOOTSTRAP_OPERATOR_SECRET: OPERATOR_SECRET, LOG_LEVEL: 'warn', DEMO_SEED: 'false' },
    });
    child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    await until('two ready server processes', () => (output.includes('2 server processes') ? true : undefined), 90_000);
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await database.drop();
  });

  it('serves from two processes, replaces one that dies, and stops cleanly on SIGTERM', async () => {
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    const workers = childrenOf(child.pid!);
    expect(workers).toHaveLength(2);
    // Twenty requests at once on the shared port, all answered.
    const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}/health`).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);

    process.kill(workers[0]!, 'SIGKILL');
    const replaced = await until('a replacement process', () => {
      const now = childrenOf(child.pid!);
      return now.length === 2 && !now.includes(workers[0]!) ? now : undefined;
    });
    expect(replaced).toContain(workers[1]);
    await until('the server to answer', async () => ((await fetch(`${url}/ready`)).status === 200 ? true : undefined));
    expect(output).toMatch(/a server process exited; starting another/);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(childrenOf(child.pid!)).toEqual([]);
  }, 120_000);
});
