import type { CredentialsModule } from '../credentials/credentials.module.js';
import type { Db } from '../db/database.js';
import type { InstitutionService } from '../institutions/institutions.service.js';
import type { LearnerService } from '../learners/learners.service.js';
import type { LedgerBodies } from '../ledger/body-registry.js';
import type { LedgerWriter } from '../ledger/ledger-writer.js';
import type { RecordsModule } from '../records/records.module.js';
import type { AuditEngine } from './audit/audit.js';
import { QualificationAuditService } from './audit.service.js';
import { AWARD_RESOURCE, RESCISSION_RESOURCE, rebuildAwards, rebuildRescissions } from './award-events.js';
import { AwardService } from './awards.service.js';
import { EnrolmentService } from './enrolments.service.js';
import { ProgrammeService } from './programmes.service.js';
import { WAIVER_RESOURCE, rebuildWaivers } from './waiver-events.js';
import { WaiverService } from './waivers.service.js';

export interface QualificationsDeps {
  db: Db; institutions: InstitutionService; learners: LearnerService; records: RecordsModule; ledger: LedgerWriter;
  ledgerBodies: LedgerBodies; credentials: CredentialsModule; publicUrl: string; now: () => Date;
  /** A preloaded engine (benchmarks, tests); otherwise HiGHS loads on the first audit. */
  engine?: AuditEngine;
}

/** Programmes, enrolments, audits, requirement waivers and awards (issue 6). */
export class QualificationsModule {
  readonly programmes: ProgrammeService;
  readonly enrolments: EnrolmentService;
  readonly audits: QualificationAuditService;
  readonly awards: AwardService;
  readonly waivers: WaiverService;

  constructor(d: QualificationsDeps) {
    this.programmes = new ProgrammeService(d.db, d.institutions, d.now);
    this.enrolments = new EnrolmentService(d.db, this.programmes, d.learners, d.institutions, d.now);
    this.audits = new QualificationAuditService(d.db, d.records, this.enrolments, d.now, d.engine);
    this.awards = new AwardService(d.db, this.audits, this.enrolments, this.programmes, d.learners, d.ledger, d.credentials, d.publicUrl, d.now);
    this.waivers = new WaiverService(d.db, this.enrolments, this.programmes, d.institutions, d.learners, d.ledger, d.now);
    d.ledgerBodies.register(AWARD_RESOURCE, rebuildAwards);
    d.ledgerBodies.register(RESCISSION_RESOURCE, rebuildRescissions);
    d.ledgerBodies.register(WAIVER_RESOURCE, rebuildWaivers);
  }
}
