import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CliInputError, parseInstitutionId, parseInstitutionKind, parseScopes } from '../../src/institutions/cli-input.js';
import { cliOnFreshDatabase } from '../helpers/cli.js';

const { run: cli, dataDir, remove } = cliOnFreshDatabase('cb-cli-');
afterAll(remove);

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
