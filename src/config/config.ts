import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { RawEnv } from './env.js';

export interface OidcProviderConfig {
  issuer: string;
  audience: string;
  /** Path of a JWKS file, or an https URL the service may fetch (the identity provider is one of its own clients). */
  jwks: string;
  /** Claim holding the verified resident identity number, if the provider does real-name checks. */
  identityClaim?: string;
}

export interface Config {
  port: number;
  host: string;
  /**
   * Server processes sharing the port (node:cluster), each with its own caches and connection pool;
   * 1 serves from this process. Only with DATABASE_URL: the embedded database lives in one process.
   */
  workers: number;
  /**
   * Credential-signing threads in each server process. Default: the cores shared out among the
   * server processes (at least one each), so WORKERS=N does not start N threads per core.
   */
  signingThreads: number;
  publicUrl: string;
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };
  dataDir: string;
  bootstrapOperatorSecret?: string;
  keyEncryptionKey: Buffer;
  identityPepper: Buffer;
  bodyLimit: number;
  batchBodyLimit: number;
  tokenTtlSeconds: number;
  /**
   * How stale a server process's list of revoked API clients may get (CLIENT_REVOCATION_SYNC_SECONDS,
   * default 2; 0 reads it on every token check): a revoked client's tokens stop working at once on
   * the process that revoked it, and within this on the others.
   */
  clientRevocationSyncMs: number;
  oidcProviders: OidcProviderConfig[];
  devIdp: boolean;
  demoSeed: boolean;
  logLevel: string;
  homeFramework: string;
  homeCreditSystem: string;
  ledger: LedgerConfig;
  /**
   * Learner views cached per instance for reads, dropped on the database's change notifications
   * (and bypassed while the LISTEN connection is down). `size` 0 disables the cache.
   */
  learnerCache: { size: number; ttlSeconds: number };
  /**
   * How long a response to a request with an Idempotency-Key is kept and replayed to a retry
   * (IDEMPOTENCY_KEY_HOURS, default 24); expired ones are purged while the server runs.
   */
  idempotencyKeyTtlMs: number;
  /**
   * Controller documents the verifier may use to check signatures of issuers outside the bank with no
   * network, keyed by controller URL. Signatures only: pinning never puts an issuer on the trust list.
   * Empty unless VERIFIER_CONTROLLERS_FILE names a JSON file of them.
   */
  pinnedControllers: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The tree integrator: a signed tree head at least every `headEveryEntries` entries or `headEverySeconds`. */
export interface LedgerConfig {
  headEveryEntries: number;
  headEverySeconds: number;
  /** How often the server's integrator looks for new entries; 0 disables the timer (another process integrates). */
  integrateIntervalMs: number;
  /** Entries integrated per transaction. */
  batchSize: number;
}

export class ConfigError extends Error {}

function int(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

function workerCount(value: string | undefined, embedded: boolean): number {
  const n = value === 'auto' ? availableParallelism() : int('WORKERS', value, 1);
  if (n > 1 && embedded) throw new ConfigError(`WORKERS=${value} needs DATABASE_URL: the embedded database serves one process`);
  return n;
}

function key32(name: string, value: string): Buffer {
  const buf = Buffer.from(value, 'base64');
  if (buf.length !== 32) throw new ConfigError(`${name} must be 32 bytes, base64-encoded (got ${buf.length} bytes)`);
  return buf;
}

/** Development secrets for the embedded database: generated once and kept beside the data. */
function devSecrets(dataDir: string): { kek: string; pepper: string } {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { kek: string; pepper: string };
  mkdirSync(dataDir, { recursive: true });
  const secrets = { kek: randomBytes(32).toString('base64'), pepper: randomBytes(32).toString('base64') };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

function parseProviders(value: string | undefined): OidcProviderConfig[] {
  if (value === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (cause) {
    throw new ConfigError('OIDC_PROVIDERS must be a JSON array', { cause });
  }
  if (!Array.isArray(parsed)) throw new ConfigError('OIDC_PROVIDERS must be a JSON array');
  return parsed.map((p: Partial<OidcProviderConfig>, i) => {
    if (typeof p.issuer !== 'string' || typeof p.audience !== 'string' || typeof p.jwks !== 'string') {
      throw new ConfigError(`OIDC_PROVIDERS[${i}] needs issuer, audience and jwks`);
    }
    return { issuer: p.issuer, audience: p.audience, jwks: p.jwks, identityClaim: p.identityClaim };
  });
}

/** Reads a file of controller documents keyed by their id; a bad file fails start-up naming the entry. */
export function readControllerDocuments(file: string): Record<string, Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`VERIFIER_CONTROLLERS_FILE ${file}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`VERIFIER_CONTROLLERS_FILE ${file}: not a JSON object`);
  const out: Record<string, Record<string, unknown>> = {};
  for (const [url, doc] of Object.entries(parsed)) {
    if (url.startsWith('$')) continue;
    const d = doc as Record<string, unknown> | null;
    if (!d || typeof d !== 'object' || d.id !== url || !Array.isArray(d.verificationMethod)) {
      throw new ConfigError(`VERIFIER_CONTROLLERS_FILE ${file}: entry ${url} must be a controller document whose id is ${url}, with verificationMethod`);
    }
    out[url] = d;
  }
  return out;
}

/** Applies defaults and cross-checks; the result is frozen. */
export function loadConfig(env: RawEnv, overrides: Partial<Config> = {}): Config {
  const port = int('PORT', env.PORT, 3000, 0);
  const dataDir = resolve(env.DATA_DIR ?? 'data');
  const embedded = env.DATABASE_URL === undefined;
  if (!embedded && (env.KEY_ENCRYPTION_KEY === undefined || env.IDENTITY_PEPPER === undefined)) {
    throw new ConfigError('KEY_ENCRYPTION_KEY and IDENTITY_PEPPER are required with DATABASE_URL');
  }
  const dev = embedded && (env.KEY_ENCRYPTION_KEY === undefined || env.IDENTITY_PEPPER === undefined)
    ? devSecrets(dataDir) : undefined;
  const workers = workerCount(env.WORKERS, embedded);
  const config: Config = {
    port,
    host: env.HOST ?? '127.0.0.1',
    workers,
    signingThreads: int('SIGNING_THREADS', env.SIGNING_THREADS, Math.max(1, Math.floor(availableParallelism() / workers))),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    database: embedded ? { kind: 'pglite', dataDir: join(dataDir, 'pg') } : { kind: 'postgres', url: env.DATABASE_URL! },
    dataDir,
    bootstrapOperatorSecret: env.BOOTSTRAP_OPERATOR_SECRET ?? (embedded ? 'operator-demo-secret' : undefined),
    keyEncryptionKey: key32('KEY_ENCRYPTION_KEY', env.KEY_ENCRYPTION_KEY ?? dev!.kek),
    identityPepper: key32('IDENTITY_PEPPER', env.IDENTITY_PEPPER ?? dev!.pepper),
    bodyLimit: int('BODY_LIMIT', env.BODY_LIMIT, 1024 * 1024),
    batchBodyLimit: int('BATCH_BODY_LIMIT', env.BATCH_BODY_LIMIT, 512 * 1024 * 1024),
    tokenTtlSeconds: int('TOKEN_TTL_SECONDS', env.TOKEN_TTL_SECONDS, 900),
    clientRevocationSyncMs: int('CLIENT_REVOCATION_SYNC_SECONDS', env.CLIENT_REVOCATION_SYNC_SECONDS, 2, 0) * 1000,
    oidcProviders: parseProviders(env.OIDC_PROVIDERS),
    devIdp: env.DEV_IDP !== undefined ? env.DEV_IDP === 'true' : embedded,
    demoSeed: env.DEMO_SEED !== undefined ? env.DEMO_SEED === 'true' : embedded,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    homeFramework: env.HOME_FRAMEWORK ?? 'gd-ltlqf',
    homeCreditSystem: env.HOME_CREDIT_SYSTEM ?? 'cn-university',
    ledger: {
      headEveryEntries: int('LEDGER_HEAD_EVERY_ENTRIES', env.LEDGER_HEAD_EVERY_ENTRIES, 1000),
      headEverySeconds: int('LEDGER_HEAD_EVERY_SECONDS', env.LEDGER_HEAD_EVERY_SECONDS, 10),
      integrateIntervalMs: int('LEDGER_INTEGRATE_INTERVAL_MS', env.LEDGER_INTEGRATE_INTERVAL_MS, 1000, 0),
      batchSize: int('LEDGER_BATCH_SIZE', env.LEDGER_BATCH_SIZE, 5000),
    },
    learnerCache: {
      size: int('LEARNER_CACHE_SIZE', env.LEARNER_CACHE_SIZE, 10_000, 0),
      ttlSeconds: int('LEARNER_CACHE_TTL_SECONDS', env.LEARNER_CACHE_TTL_SECONDS, 60),
    },
    idempotencyKeyTtlMs: int('IDEMPOTENCY_KEY_HOURS', env.IDEMPOTENCY_KEY_HOURS, 24, 1) * 3_600_000,
    pinnedControllers: env.VERIFIER_CONTROLLERS_FILE ? readControllerDocuments(env.VERIFIER_CONTROLLERS_FILE) : {},
    ...overrides,
  };
  if (!config.database || (config.database.kind === 'postgres' && !/^postgres(ql)?:\/\//.test(config.database.url))) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL');
  }
  return Object.freeze(config);
}
