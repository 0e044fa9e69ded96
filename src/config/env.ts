/** The only module that reads process.env: returns raw strings, no defaults or checks. */
export interface RawEnv {
  PORT?: string;
  HOST?: string;
  DATA_DIR?: string;
  DATABASE_URL?: string;
  PUBLIC_URL?: string;
  BOOTSTRAP_OPERATOR_SECRET?: string;
  KEY_ENCRYPTION_KEY?: string;
  IDENTITY_PEPPER?: string;
  BODY_LIMIT?: string;
  BATCH_BODY_LIMIT?: string;
  TOKEN_TTL_SECONDS?: string;
  CLIENT_REVOCATION_SYNC_SECONDS?: string;
  OIDC_PROVIDERS?: string;
  DEV_IDP?: string;
  DEMO_SEED?: string;
  LOG_LEVEL?: string;
  HOME_FRAMEWORK?: string;
  HOME_CREDIT_SYSTEM?: string;
  LEDGER_HEAD_EVERY_ENTRIES?: string;
  LEDGER_HEAD_EVERY_SECONDS?: string;
  LEDGER_INTEGRATE_INTERVAL_MS?: string;
  LEDGER_BATCH_SIZE?: string;
  VERIFIER_CONTROLLERS_FILE?: string;
  LEARNER_CACHE_SIZE?: string;
  LEARNER_CACHE_TTL_SECONDS?: string;
  WORKERS?: string;
  SIGNING_THREADS?: string;
  IDEMPOTENCY_KEY_HOURS?: string;
  NODE_ENV?: string;
}

const KEYS: (keyof RawEnv)[] = [
  'PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'PUBLIC_URL', 'BOOTSTRAP_OPERATOR_SECRET',
  'KEY_ENCRYPTION_KEY', 'IDENTITY_PEPPER', 'BODY_LIMIT', 'BATCH_BODY_LIMIT', 'TOKEN_TTL_SECONDS',
  'OIDC_PROVIDERS', 'DEV_IDP', 'DEMO_SEED', 'LOG_LEVEL', 'HOME_FRAMEWORK', 'HOME_CREDIT_SYSTEM', 'NODE_ENV',
  'LEDGER_HEAD_EVERY_ENTRIES', 'LEDGER_HEAD_EVERY_SECONDS', 'LEDGER_INTEGRATE_INTERVAL_MS', 'LEDGER_BATCH_SIZE', 'VERIFIER_CONTROLLERS_FILE',
  'LEARNER_CACHE_SIZE', 'LEARNER_CACHE_TTL_SECONDS', 'WORKERS', 'SIGNING_THREADS', 'IDEMPOTENCY_KEY_HOURS',
  'CLIENT_REVOCATION_SYNC_SECONDS',
];

export function readEnv(source: NodeJS.ProcessEnv = process.env): RawEnv {
  const env: RawEnv = {};
  for (const key of KEYS) {
    const value = source[key];
    if (value !== undefined && value !== '') env[key] = value;
  }
  return env;
}
