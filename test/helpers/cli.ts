import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run cli -- …` on an embedded database in a fresh temporary directory (its bootstrap operator
 * is `operator`, the demo seed off). `dataDir` is where the database goes; `remove()` deletes it all.
 */
export function cliOnFreshDatabase(prefix: string, timeoutMs = 60_000) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    encoding: 'utf8', timeout: timeoutMs,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_SEED: 'false' },
  });
  return { run, dataDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
