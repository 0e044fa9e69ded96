import { existsSync, readdirSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { cliOnFreshDatabase } from '../helpers/cli.js';

const { run: cli, dataDir, remove } = cliOnFreshDatabase('cb-operator-cli-', 120_000);
afterAll(remove);

it('refuses blank input before opening the database', () => {
  const blank = cli('client:revoke', 'operator', '--reason', '  ');
  expect(blank.status).not.toBe(0);
  expect(blank.stderr).toContain('--reason must not be blank');
  expect(cli('operator:create', '--name', '').stderr).toContain('--name must not be blank');
  expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
});

it('replaces a leaked operator secret: create another operator, then revoke the old one (never the last)', () => {
  const last = cli('client:revoke', 'operator', '--reason', 'secret leaked');
  expect(last.status).not.toBe(0);
  expect(last.stderr).toContain('last operator client');
  const created = cli('operator:create', '--name', 'Registry staff: 陈');
  expect(created.status, created.stderr).toBe(0);
  const operator = JSON.parse(created.stdout) as { clientId: string; clientSecret: string; scopes: string[] };
  expect(operator).toMatchObject({ clientId: expect.stringMatching(/^operator-/), clientSecret: expect.any(String), scopes: ['*'] });
  const revoked = cli('client:revoke', 'operator', '--reason', 'secret leaked');
  expect(revoked.status, revoked.stderr).toBe(0);
  expect(JSON.parse(revoked.stdout)).toMatchObject({ clientId: 'operator', kind: 'operator', changed: true, revokedAt: expect.any(String) });
}, 240_000);
