import type { JsonObject } from './core/did-key.js';
import type { Actor } from '../auth/principal.js';
import type { Db, Executor } from '../db/database.js';
import type { KeyStore } from '../keys/key-store.js';
import type { LedgerBodies } from '../ledger/body-registry.js';
import type { LedgerWriter } from '../ledger/ledger-writer.js';
import { LedgerProofs, type LedgerProofSource } from './verify/ledger-proof.js';
import { registerCredentialBodies } from './ledger/event-bodies.js';
import { AchievementIssuer, type ProgressSource, type RecordSource } from './issuance/achievement-issuer.js';
import { MicroMajorIssuer } from './issuance/micro-major-issuer.js';
import { IssuanceService } from './issuance/issuance.service.js';
import { ClrIssuer, type LearnerRecordSource } from './issuance/clr-issuer.js';
import { ImportService } from './imports/import.service.js';
import { VcApiIssuer } from './issuance/vc-api-issuer.js';
import { IssuerDirectory } from './issuers/issuer-directory.js';
import { KeyAdminService } from './issuers/key-admin.service.js';
import type { NotifiedCache } from '../db/notified-cache.js';
import { TrustListService, type TrustLookup } from './trust-list/trust-list.service.js';
import { CredentialStatusService } from './status/credential-status.service.js';
import { StatusListService } from './status/status-lists.service.js';
import { VerifierService } from './verify/verifier.service.js';
import { InlineSigner, PooledSigner, type CredentialSigner } from './workers/signing-pool.js';

export interface CredentialsDeps {
  db: Db; keys: KeyStore; ledger: LedgerWriter; publicUrl: string; now: () => Date;
  /** 'pool' (worker threads, default) or 'inline'. */
  signing?: 'pool' | 'inline';
  /** Threads of the signing pool (config.signingThreads). */
  signingThreads?: number;
  /** Where the ledger's database check finds how to rebuild this domain's event bodies. */
  ledgerBodies?: LedgerBodies;
  /** Inclusion proofs for the verifier's ledger check (the ledger service). */
  ledgerProofs?: LedgerProofSource;
  /** Controller documents pinned by configuration for the verifier's signature checks (never trust). */
  pinnedControllers?: Readonly<Record<string, JsonObject>>;
  /** The trust list's look-up cache, subscribed to its change notifications (none: no caching). */
  trustCache?: NotifiedCache<TrustLookup>;
}

/** Everything the credentials domain needs, built once by the context. */
export class CredentialsModule {
  readonly signer: CredentialSigner;
  readonly directory: IssuerDirectory;
  /** External issuers the bank trusts, with their key material for offline verification. */
  readonly trustList: TrustListService;
  readonly keyAdmin: KeyAdminService;
  readonly lists: StatusListService;
  readonly issuance: IssuanceService;
  readonly status: CredentialStatusService;
  readonly verifier: VerifierService;
  readonly vcApi: VcApiIssuer;
  readonly imports: ImportService;

  constructor(private readonly deps: CredentialsDeps) {
    const d = deps;
    if (d.ledgerBodies) registerCredentialBodies(d.ledgerBodies);
    this.signer = d.signing === 'inline' ? new InlineSigner() : new PooledSigner(d.signingThreads);
    this.directory = new IssuerDirectory(d.db, d.keys, d.publicUrl);
    this.trustList = new TrustListService(d.db, d.ledger, d.now, async (id) => (await this.directory.byDid(id)) !== undefined, d.trustCache);
    this.keyAdmin = new KeyAdminService(d.db, d.keys, this.directory, d.ledger, d.now);
    this.lists = new StatusListService(d.db, this.directory, this.signer, d.publicUrl, d.now);
    this.issuance = new IssuanceService(d.db, this.directory, this.lists, this.signer, d.ledger, d.now);
    this.status = new CredentialStatusService(d.db, this.lists, d.ledger, d.now);
    this.verifier = new VerifierService(d.db, this.directory, this.lists, d.now, this.signer,
      d.ledgerProofs ? new LedgerProofs(d.ledgerProofs) : undefined, d.pinnedControllers, this.trustList);
    this.vcApi = new VcApiIssuer(d.db, this.directory, this.issuance);
    this.imports = new ImportService(d.db, this.verifier, this.trustList, d.ledger, d.now);
  }

  /** Set by connectRecords: credentials for record achievements. */
  achievements: AchievementIssuer | undefined;
  /** Set by connectRecords: micro-major completion credentials. */
  microMajors: MicroMajorIssuer | undefined;
  /** Set by connectRecords: CLR 2.0 transcripts built from the record. */
  clr: ClrIssuer | undefined;

  /** Subscribes to the learning record's revocations and reads its achievements (called by the context once both exist). */
  connectRecords(records: { service: RecordSource; reader: ProgressSource & LearnerRecordSource; onRevoked(handler: (trx: Executor, e: { learnerId: string; achievementId: string; reason: string; actor: Actor }) => Promise<void>): void }): void {
    records.onRevoked((trx, e) => this.status.onAchievementRevoked(trx, e));
    this.achievements = new AchievementIssuer(this.deps.db, this.directory, this.issuance, records.service, this.deps.publicUrl);
    this.microMajors = new MicroMajorIssuer(this.deps.db, this.directory, this.issuance, records.service, records.reader, this.achievements, this.deps.now);
    this.clr = new ClrIssuer(this.deps.db, this.directory, this.issuance, records.reader, this.achievements);
  }

  close(): Promise<void> {
    return this.signer.close();
  }
}
