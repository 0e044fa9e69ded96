import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import { AuthService } from './auth/auth.service.js';
import { DEV_IDP_PATH, DevIdentityProvider } from './auth/dev-idp.js';
import { OidcVerifier } from './auth/oidc.js';
import { TokenService } from './auth/tokens.js';
import { RevokedClients } from './auth/revoked-clients.js';
import { clientsRevokedSince } from './institutions/institutions.repository.js';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import { createDatabase } from './db/dialect.js';
import type { IdempotencyOptions } from './http/idempotency.js';
import { InstitutionService } from './institutions/institutions.service.js';
import { deriveKey } from './keys/envelope.js';
import { KeyEventLog } from './keys/key-events.js';
import { KeyStore } from './keys/key-store.js';
import { subscribedLearnerCache } from './learners/learner-cache.js';
import { subscribedCache } from './db/notified-cache.js';
import { TRUST_CACHE, TRUST_LIST_CHANNEL, type TrustLookup } from './credentials/trust-list/trust-list.service.js';
import { ISSUER_CHANNEL } from './credentials/issuers/issuer-directory.js';
import { LearnerService, type Learner } from './learners/learners.service.js';
import type { NotificationSource } from './db/notifications.js';
import { LedgerWriter } from './ledger/ledger-writer.js';
import { CatalogueService } from './catalogue/catalogue.service.js';
import { BUNDLED_FRAMEWORKS_DIR, FrameworkService } from './frameworks/frameworks.service.js';
import { LedgerBodies } from './ledger/body-registry.js';
import { registerLedgerBodies } from './ledger/bodies/index.js';
import { LedgerService } from './ledger/ledger.service.js';
import { LEDGER_KEY_PURPOSE, TreeHeadKeys } from './ledger/tree-head-keys.js';
import { CREDENTIAL_KEY_PURPOSE } from './credentials/issuers/issuer-directory.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { RecordsModule } from './records/records.module.js';
import { RecognitionModule } from './recognition/recognition.module.js';
import { QualificationsModule } from './qualifications/qualifications.module.js';
import type { JsonObject } from './credentials/core/did-key.js';

export interface Clock { now(): Date }
export const systemClock: Clock = { now: () => new Date() };

export interface ContextOverrides {
  db?: Kysely<Database>;
  /**
   * LISTEN/NOTIFY on `db`'s database. Without it (when `db` is given) nothing tells this instance
   * about changes, so caches that depend on notifications stay off.
   */
  notifications?: NotificationSource;
  clock?: Clock;
  logger?: Logger;
  /** Credential signing in worker threads ('pool', default) or in this thread ('inline'). */
  credentialSigning?: 'pool' | 'inline';
}

/** The only place that creates dependencies. Tests pass overrides (a database, a fixed clock). */
export class AppContext {
  private constructor(
    readonly config: Config,
    readonly db: Kysely<Database>,
    readonly notifications: NotificationSource | undefined,
    readonly clock: Clock,
    readonly logger: Logger,
    readonly keys: KeyStore,
    readonly tokens: TokenService,
    readonly oidc: OidcVerifier,
    readonly devIdp: DevIdentityProvider | undefined,
    readonly institutions: InstitutionService,
    readonly learners: LearnerService,
    readonly auth: AuthService,
    readonly ledger: LedgerWriter,
    /** Frameworks, credit systems, grading schemes, ISCED-F: versioned reference data, cached. */
    readonly frameworks: FrameworkService,
    readonly catalogue: CatalogueService,
    /** Domains register how to rebuild their ledger event bodies (the database check uses them). */
    readonly ledgerBodies: LedgerBodies,
    readonly ledgerService: LedgerService,
    readonly credentials: CredentialsModule,
    /** The learning record: deposits, transcripts, shares; `records.onRevoked(handler)` for other domains. */
    readonly records: RecordsModule,
    /** Programmes, enrolments, audits and awards. */
    readonly qualifications: QualificationsModule,
    /** Recognition: rules, agreements, preview, requests, decisions, appeals; revokes derived credit on revocation. */
    readonly recognition: RecognitionModule,
    /** Idempotency-Key replays: how long they last, and the key that seals responses carrying a secret. */
    readonly idempotency: IdempotencyOptions,
  ) {}

  static async fromConfig(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
    const logger = overrides.logger ?? pino({ level: config.logLevel });
    const { db, notifications } = overrides.db ? { db: overrides.db, notifications: overrides.notifications }
      : await createDatabase(config, (err) => logger.warn({ err }, 'idle database connection lost'),
        (err) => logger.warn({ err }, 'notification listener connection lost: caches bypassed until it reconnects'));
    const clock = overrides.clock ?? systemClock;
    const now = () => clock.now();
    const ledger = new LedgerWriter(deriveKey(config.keyEncryptionKey, 'ledger-subject'));
    // Keys a verifier relies on are logged when created or rotated: credential assertion and tree-head keys.
    const keys = new KeyStore(db, config.keyEncryptionKey, now, new KeyEventLog(ledger, new Set([CREDENTIAL_KEY_PURPOSE, LEDGER_KEY_PURPOSE])));
    // Tokens outlive a revocation by at most their lifetime: revocations older than that (plus a
    // minute of clock skew between servers) need not be checked.
    const revokedClients = new RevokedClients((since) => clientsRevokedSince(db, since), (config.tokenTtlSeconds + 60) * 1000,
      config.clientRevocationSyncMs, now);
    const tokens = new TokenService(keys, config.publicUrl, config.tokenTtlSeconds, now, revokedClients);
    const oidc = new OidcVerifier(config.oidcProviders, now);
    const devIdp = config.devIdp ? new DevIdentityProvider(keys, `${config.publicUrl}${DEV_IDP_PATH}`, now) : undefined;
    const institutions = new InstitutionService(db, config.publicUrl, now, revokedClients);
    const learnerCache = await subscribedLearnerCache<Learner>({ max: config.learnerCache.size, ttlSeconds: config.learnerCache.ttlSeconds }, notifications);
    const learners = new LearnerService(db, config.identityPepper, deriveKey(config.keyEncryptionKey, 'identity'), now, learnerCache);
    const auth = new AuthService(db, tokens, oidc, learners);
    const frameworks = new FrameworkService(db, now);
    const catalogue = new CatalogueService(db, frameworks, institutions, now);
    const ledgerBodies = new LedgerBodies();
    registerLedgerBodies(ledgerBodies);
    const ledgerService = new LedgerService(db, new TreeHeadKeys(keys), ledgerBodies, config.ledger, now);
    const trustCache = await subscribedCache<TrustLookup>(TRUST_LIST_CHANNEL, TRUST_CACHE, notifications);
    const credentials = new CredentialsModule({ db, keys, ledger, publicUrl: config.publicUrl, now, signing: overrides.credentialSigning, signingThreads: config.signingThreads, ledgerBodies, ledgerProofs: ledgerService,
      pinnedControllers: config.pinnedControllers as Record<string, JsonObject>, trustCache });
    // Keys revoked or rotated on another instance: forgotten here when the change commits.
    await notifications?.listen(ISSUER_CHANNEL, credentials.directory);
    const records = new RecordsModule({ db, frameworks, ledger, learners, institutions, keyEncryptionKey: config.keyEncryptionKey, publicUrl: config.publicUrl, homeCreditSystem: config.homeCreditSystem, now, imports: credentials.imports });
    const qualifications = new QualificationsModule({ db, institutions, learners, records, ledger, ledgerBodies, credentials, publicUrl: config.publicUrl, now });
    credentials.connectRecords(records);
    const recognition = new RecognitionModule({ db, ledger, ledgerBodies, institutions, frameworks, records, homeCreditSystem: config.homeCreditSystem, now });
    qualifications.audits.connectRecognition((tx, target, programmeId, date) => recognition.evaluator.grantCreditSystem(tx, target, programmeId, date));
    return new AppContext(config, db, notifications, clock, logger, keys, tokens, oidc, devIdp, institutions, learners, auth, ledger, frameworks, catalogue, ledgerBodies, ledgerService, credentials, records, qualifications, recognition,
      { ttlMs: config.idempotencyKeyTtlMs, sealKey: deriveKey(config.keyEncryptionKey, 'idempotency-responses') });
  }

  /** Work that needs the migrated database: the dev identity provider's key, the first operator. */
  async prepare(): Promise<void> {
    if (this.devIdp) await this.devIdp.register(this.oidc);
    await this.institutions.bootstrapOperator(this.config.bootstrapOperatorSecret);
    // The bundled frameworks: a no-op when loaded already, an error naming the file when a loaded
    // version's content changed. Then the configured home framework and credit system must exist.
    await this.frameworks.loadDirectory(BUNDLED_FRAMEWORKS_DIR, { principal: { kind: 'operator', clientId: 'startup', scopes: ['*'] }, requestId: 'startup' });
    await this.frameworks.assertHome(this.config.homeFramework, this.config.homeCreditSystem);
    // The shipped programme requirement sets, like the frameworks: a no-op once loaded.
    await this.qualifications.programmes.loadBundled({ principal: { kind: 'operator', clientId: 'startup', scopes: ['*'] }, requestId: 'startup' });
  }

  async close(): Promise<void> {
    await this.notifications?.close();
    await this.credentials.close();
    await this.db.destroy();
  }
}
