import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/principal.js';
import { BUNDLED_FRAMEWORKS_DIR } from '../../src/frameworks/frameworks.service.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const OPERATOR: Actor = { principal: { kind: 'operator', clientId: 'test', scopes: ['*'] }, requestId: 'test' };
let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await createTestApp();
  dir = mkdtempSync(join(tmpdir(), 'frameworks-'));
  cpSync(BUNDLED_FRAMEWORKS_DIR, dir, { recursive: true });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

const versions = async () => (await t.ctx.db.selectFrom('framework_versions').select(['id', 'version']).execute()).length;
const edit = (file: string, change: (doc: any) => void) => {
  const path = join(dir, file);
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  change(doc);
  writeFileSync(path, JSON.stringify(doc));
  return path;
};

describe('FrameworkService.loadDirectory', () => {
  it('is a no-op for a directory already loaded', async () => {
    const before = await versions();
    const r = await t.ctx.frameworks.loadDirectory(dir, OPERATOR);
    expect(r.added).toEqual([]);
    expect(await versions()).toBe(before);
  });

  it('refuses a changed document under the same version, naming the file, and writes nothing', async () => {
    const path = edit('scqf.json', (d) => { d.notes = ['edited in place']; });
    const before = await versions();
    await expect(t.ctx.frameworks.loadDirectory(dir, OPERATOR)).rejects.toMatchObject({ code: 'framework_version_conflict', message: expect.stringContaining(path) });
    expect(await versions()).toBe(before);
  });

  it('adds a new version beside the old one, and catalogue lookups see both', async () => {
    edit('scqf.json', (d) => { d.version = '2030'; });
    const r = await t.ctx.frameworks.loadDirectory(dir, OPERATOR);
    expect(r.added).toEqual([expect.objectContaining({ kind: 'framework', key: 'scqf@2030' })]);
    expect((await t.ctx.frameworks.versionsOf('scqf')).map((v) => v.version)).toEqual(['2012', '2030']);
    expect(await t.ctx.frameworks.levelExists('scqf', '2012', 12)).toBe(true);
    expect(await t.ctx.frameworks.levelExists('scqf', '2030', 12)).toBe(true);
  });

  it('a file with a gap in its levels fails with file and field named', async () => {
    const path = edit('aqf.json', (d) => { d.version = 'gap'; d.levels.splice(4, 1); });
    await expect(t.ctx.frameworks.loadDirectory(dir, OPERATOR)).rejects.toMatchObject({ code: 'invalid_framework_document', message: expect.stringContaining(`${path}: /levels/4/level`) });
  });
});
