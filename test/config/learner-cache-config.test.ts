import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { readEnv } from '../../src/config/env.js';

const BASE = { DATABASE_URL: 'postgres://unused/x', KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), IDENTITY_PEPPER: Buffer.alloc(32, 2).toString('base64') };

describe('LEARNER_CACHE_SIZE and LEARNER_CACHE_TTL_SECONDS', () => {
  it('default to 10,000 learners for 60 seconds', () => {
    expect(loadConfig(BASE).learnerCache).toEqual({ size: 10_000, ttlSeconds: 60 });
  });

  it('are read from the environment; size 0 turns the cache off', () => {
    const env = readEnv({ ...BASE, LEARNER_CACHE_SIZE: '0', LEARNER_CACHE_TTL_SECONDS: '5' });
    expect(loadConfig(env).learnerCache).toEqual({ size: 0, ttlSeconds: 5 });
  });

  it.each([
    ['LEARNER_CACHE_SIZE', '-1'], ['LEARNER_CACHE_SIZE', '1.5'], ['LEARNER_CACHE_SIZE', 'many'],
    ['LEARNER_CACHE_TTL_SECONDS', '0'], ['LEARNER_CACHE_TTL_SECONDS', '-3'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ ...BASE, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, [name]: value })).toThrow(name);
  });
});
