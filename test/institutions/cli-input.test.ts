import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliInputError, parseInstitutionId, parseInstitutionKind, parseScopes } from '../../src/institutions/cli-input.js';

const dir = mkdtempSync(join(tmpdir(), 'cb-cli-'));
const dataDir = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `npm run cli -- …` on an embedded database in a fresh directory. */
function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_SEED: 'false' },
  });
}

describe('CLI input checks', () => {
  it('accepts the known institution kinds only', () => {
    expect(parseInstitutionKind('open-university')).toBe('open-university');
    expect(() => parseInstitutionKind('universty')).toThrow(CliInputError);
    expect(() => parseInstitutionKind('universty')).toThrow(/university, vocational-college/);
  });

  it('accepts a list of known, distinct scopes', () => {
    expect(parseScopes(undefined)).toBeUndefined();
    expect(parseScopes('catalogue:write, records:write')).toEqual(['catalogue:write', 'records:write']);
    expect(() => parseScopes('catalogue:write,admin')).toThrow(/unknown scope admin/);
    expect(() => parseScopes('records:read,records:read')).toThrow(/more than once/);
    expect(() => parseScopes('records:read,')).toThrow(/empty entry/);
    expect(() => parseScopes('')).toThrow(CliInputError);
  });

  it('accepts a UUID as institution id', () => {
    expect(parseInstitutionId('6f1c1b9e-2d7a-4c55-9a55-3c1f5b2c9d10')).toBe('6f1c1b9e-2d7a-4c55-9a55-3c1f5b2c9d10');
    expect(() => parseInstitutionId('lingnan')).toThrow(CliInputError);
  });

  it('exits non-zero with a clear message and never opens the database for a bad --kind or --scopes', () => {
    const kind = cli('institution:create', '--name-en', 'X College', '--kind', 'school', '--country', 'CN');
    expect(kind.status).not.toBe(0);
    expect(kind.stderr).toContain('--kind "school" is not an institution kind');
    const scopes = cli('client:create', '--institution', '6f1c1b9e-2d7a-4c55-9a55-3c1f5b2c9d10', '--name', 'x', '--scopes', 'catalogue:write,root');
    expect(scopes.status).not.toBe(0);
    expect(scopes.stderr).toContain('unknown scope root');
    expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
  });
});
