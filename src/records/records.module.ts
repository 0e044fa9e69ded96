import type { Db } from '../db/database.js';
import type { FrameworkService } from '../frameworks/frameworks.service.js';
import type { InstitutionService } from '../institutions/institutions.service.js';
import { deriveKey } from '../keys/envelope.js';
import type { LearnerService } from '../learners/learners.service.js';
import type { LedgerWriter } from '../ledger/ledger-writer.js';
import { ShareService } from '../sharing/shares.service.js';
import { RecordReader } from './record-reader.js';
import type { RecognisedCreditSource } from './recognised-credits.js';
import type { ImportedCredentialSource, RevocationHandler } from './records.types.js';
import { RecordsService } from './records.service.js';

export interface RecordsDeps {
  db: Db; frameworks: FrameworkService; ledger: LedgerWriter; learners: LearnerService; institutions: InstitutionService;
  keyEncryptionKey: Buffer; publicUrl: string; homeCreditSystem: string; now: () => Date;
  /** Credentials the learner imported from elsewhere, shown in the record with how they were verified. */
  imports?: ImportedCredentialSource;
}

/** The learning record: writes (service), reads (reader) and share links (shares). */
export class RecordsModule {
  readonly service: RecordsService;
  readonly reader: RecordReader;
  readonly shares: ShareService;

  constructor(d: RecordsDeps) {
    // Framework data comes from the database (what operators loaded), through the frameworks service's snapshot.
    this.service = new RecordsService(d.db, d.ledger, d.learners, d.institutions, d.frameworks, d.now);
    this.reader = new RecordReader(this.service, d.institutions, d.homeCreditSystem, d.imports);
    this.shares = new ShareService(d.db, this.reader, deriveKey(d.keyEncryptionKey, 'share-access-ip'), d.publicUrl, d.now);
  }

  /** Other domains react to a revocation inside its transaction (recognition revokes derived credit, credentials revoke status). */
  onRevoked(handler: RevocationHandler): void {
    this.service.onRevoked(handler);
  }

  /** The recognition domain supplies recognised credits, which transcripts, exports and shares show. */
  connectRecognisedCredits(source: RecognisedCreditSource): void {
    this.reader.connectRecognisedCredits(source);
  }
}
