import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { AppContext } from '../../src/context.js';
import type { Database } from '../../src/db/database.js';
import { createPGlite, kyselyOverPGlite } from '../../src/db/dialect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { importAchievements } from '../../src/records/import-command.js';
import { createInstitution, createLearner, operatorToken } from '../helpers/factories.js';
import { OPERATOR_SECRET, TEST_KEK, TEST_PEPPER } from '../helpers/test-app.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/test-db.js';
import { depositBody, insertItem } from './fixtures.js';

const LINES = 1500;
const BAD_EVERY = 97;
const dir = mkdtempSync(join(tmpdir(), 'cb-import-'));
const file = join(dir, 'deposits.ndjson');
let pgDatabase: TestDatabase | undefined;
let institutionId = '';

const childEnv = (): NodeJS.ProcessEnv => ({
  ...process.env, KEY_ENCRYPTION_KEY: TEST_KEK, IDENTITY_PEPPER: TEST_PEPPER, BOOTSTRAP_OPERATOR_SECRET: OPERATOR_SECRET,
  LOG_LEVEL: 'silent', DEMO_SEED: 'false', DEV_IDP: 'false',
  ...(pgDatabase ? { DATABASE_URL: pgDatabase.url } : { DATABASE_URL: '', DATA_DIR: dir }),
});

/** A context over the same database the child process will use (PGlite data dir or a PostgreSQL database). */
async function openContext(): Promise<{ ctx: AppContext; close(): Promise<void> }> {
  const pglite = pgDatabase ? undefined : await createPGlite(join(dir, 'pg'));
  const db: Kysely<Database> = pgDatabase ? pgDatabase.db : kyselyOverPGlite(pglite!);
  await migrateToLatest(db);
  const config = loadConfig({ KEY_ENCRYPTION_KEY: TEST_KEK, IDENTITY_PEPPER: TEST_PEPPER, DATABASE_URL: 'postgres://unused/x', PUBLIC_URL: 'https://bank.test', BOOTSTRAP_OPERATOR_SECRET: OPERATOR_SECRET, DEV_IDP: 'true', LOG_LEVEL: 'silent', DEMO_SEED: 'false' });
  const ctx = await AppContext.fromConfig(config, { db, credentialSigning: 'inline' });
  await ctx.prepare();
  return {
    ctx,
    async close() {
      if (pgDatabase) return;
      await ctx.close();
      if (!pglite!.closed) await pglite!.close();
    },
  };
}

function runImport(onProgress?: (kill: () => void) => void): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'import', 'achievements', file, '--institution', institutionId, '--chunk', '100', '--no-progress'], { env: childEnv() });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const timer = onProgress ? setInterval(() => onProgress(() => child.kill('SIGKILL')), 5) : undefined;
  return new Promise((resolve) => child.on('exit', (code, signal) => { clearInterval(timer); resolve({ code, signal, stdout, stderr }); }));
}

const checkpoint = () => (existsSync(`${file}.checkpoint`) ? JSON.parse(readFileSync(`${file}.checkpoint`, 'utf8')) as { line: number } : undefined);

beforeAll(async () => {
  if (onPostgres) pgDatabase = await createTestDatabase();
  const { ctx, close } = await openContext();
  const app = await buildApp(ctx);
  await app.ready();
  const op = await operatorToken(app);
  const inst = await createInstitution(app, op);
  institutionId = inst.id;
  const item = await insertItem(ctx.db, inst.id, { credits: '4' });
  const learners: string[] = [];
  for (let i = 0; i < 10; i++) learners.push((await createLearner(app, inst.token, `学员${i}`)).id);
  const text = Array.from({ length: LINES }, (_, i) => JSON.stringify({
    ...depositBody(item, { externalId: `row-${i}`, result: i % BAD_EVERY === 0 ? '250' : String(60 + (i % 40)) }),
    learnerId: learners[i % learners.length],
  })).join('\n');
  writeFileSync(file, `${text}\n`);
  await app.close();
  await close();
}, 180_000);

afterAll(async () => {
  await pgDatabase?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CLI import of achievements', () => {
  it('killed part-way and rerun, imports every line exactly once; a rerun without the checkpoint changes nothing', async () => {
    // A real child process is SIGKILLed as soon as its checkpoint shows a partial import.
    const killed = await runImport((kill) => {
      const c = checkpoint();
      if (c && c.line >= 200) kill();
    });
    expect(killed.signal).toBe('SIGKILL');
    const stoppedAt = checkpoint()!.line;
    expect(stoppedAt).toBeGreaterThanOrEqual(200);
    expect(stoppedAt).toBeLessThan(LINES);

    // The reruns go through the same command in this process (a second child start-up proves nothing more).
    const { ctx, close } = await openContext();
    try {
      const summary = await importAchievements(ctx, file, { institution: institutionId, chunk: 100, progress: false });
      expect(summary.resumedFrom!.line).toBeGreaterThanOrEqual(stoppedAt);
      expect(summary.lines).toBe(LINES);

      const bad = Array.from({ length: LINES }, (_, i) => i).filter((i) => i % BAD_EVERY === 0);
      const rejects = readFileSync(summary.rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(rejects.map((r) => r.line)).toEqual(bad.map((i) => i + 1));
      expect(rejects[0]).toMatchObject({ code: 'invalid_result', input: expect.stringContaining('"row-0"') });

      unlinkSync(`${file}.checkpoint`);
      const fresh = await importAchievements(ctx, file, { institution: institutionId, chunk: 100, progress: false });
      expect(fresh).toMatchObject({ resumedFrom: null, accepted: 0, replayed: LINES - bad.length, rejected: bad.length });

      const rows = await ctx.db.selectFrom('achievements').select(['external_id']).where('institution_id', '=', institutionId).execute();
      expect(rows).toHaveLength(LINES - bad.length);
      expect(new Set(rows.map((r) => r.external_id)).size).toBe(LINES - bad.length);
      const versions = await ctx.db.selectFrom('achievement_versions').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(versions.n)).toBe(LINES - bad.length);
    } finally {
      await close();
    }
  }, 120_000);
});
