import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const BASE = { DATABASE_URL: 'postgres://unused/x', KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), IDENTITY_PEPPER: Buffer.alloc(32, 2).toString('base64') };
const fileWith = (content: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'cb-pins-')), 'controllers.json');
  writeFileSync(file, content);
  return file;
};

describe('VERIFIER_CONTROLLERS_FILE', () => {
  it('pins nothing by default', () => {
    expect(loadConfig(BASE).pinnedControllers).toEqual({});
  });

  it('reads controller documents keyed by their id, skipping $-comments', () => {
    const doc = { id: 'https://issuer.example/1', verificationMethod: [] };
    const cfg = loadConfig({ ...BASE, VERIFIER_CONTROLLERS_FILE: fileWith(JSON.stringify({ $comment: 'x', [doc.id]: doc })) });
    expect(cfg.pinnedControllers).toEqual({ [doc.id]: doc });
  });

  it('fails start-up naming the entry whose id does not match its key, or an unreadable file', () => {
    const bad = fileWith(JSON.stringify({ 'https://a.example': { id: 'https://b.example', verificationMethod: [] } }));
    expect(() => loadConfig({ ...BASE, VERIFIER_CONTROLLERS_FILE: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, VERIFIER_CONTROLLERS_FILE: bad })).toThrow(/https:\/\/a\.example/);
    expect(() => loadConfig({ ...BASE, VERIFIER_CONTROLLERS_FILE: fileWith('{not json') })).toThrow(/VERIFIER_CONTROLLERS_FILE/);
  });
});
