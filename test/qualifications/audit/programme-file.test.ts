import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProgrammeFile } from '../../../src/qualifications/audit/programme-file.js';
import { ProgrammeFileError } from '../../../src/qualifications/audit/programme-schema.js';

const dir = new URL('../../../frameworks/programmes/', import.meta.url).pathname;

async function loadBroken(change: (p: Record<string, unknown>) => void): Promise<ProgrammeFileError> {
  const original = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(join(dir, 'korea-acbs-bachelor.json'), 'utf8'))) as Record<string, unknown>;
  change(original);
  const file = join(mkdtempSync(join(tmpdir(), 'programme-')), 'broken.json');
  writeFileSync(file, JSON.stringify(original));
  return loadProgrammeFile(file).then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as ProgrammeFileError);
}

describe('programme files', () => {
  it('loads both shipped programmes with their sources', async () => {
    for (const name of ['korea-acbs-bachelor.json', 'ouc-open-education-associate.json']) {
      const programme = await loadProgrammeFile(join(dir, name));
      expect(programme.sources.length).toBeGreaterThan(0);
    }
    const korea = await loadProgrammeFile(join(dir, 'korea-acbs-bachelor.json'));
    expect(korea.totalCredits).toBe('140');
    expect(korea.caps.map((c) => [c.id, c.maxCredits])).toEqual([['one-provider', '105'], ['per-year', '42'], ['per-semester', '24']]);
  });

  it('names the file and the field when a credit value is not a decimal string', async () => {
    const error = await loadBroken((p) => { (p.requirements as { minCredits?: unknown }[])[0]!.minCredits = 60; });
    expect(error).toBeInstanceOf(ProgrammeFileError);
    expect(error.file).toMatch(/broken\.json$/);
    expect(error.path).toBe('/requirements/0/minCredits');
  });

  it('rejects unknown fields instead of dropping them', async () => {
    const error = await loadBroken((p) => { p.totalCredit = '140'; });
    expect(error.message).toMatch(/additional properties|totalCredit/);
  });

  it('rejects a scope naming a category that does not exist', async () => {
    const error = await loadBroken((p) => { (p.requirements as { scope?: string[] }[])[3]!.scope = ['majr']; });
    expect(error.path).toBe('/requirements/3/scope');
  });

  it('rejects a cap with both a credit and a fraction limit', async () => {
    const error = await loadBroken((p) => { (p.caps as { maxFraction?: string }[])[0]!.maxFraction = '0.75'; });
    expect(error.path).toBe('/caps/0');
  });

  it('reports a file that is not JSON', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'programme-')), 'bad.json');
    writeFileSync(file, '{ nope');
    await expect(loadProgrammeFile(file)).rejects.toThrow(/bad\.json.*not JSON/);
  });
});
