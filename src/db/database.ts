import type { Kysely, Transaction } from 'kysely';
import type { CatalogueItemsTable } from './tables/catalogue.js';
import type { FrameworkEntriesTable, FrameworkVersionsTable } from './tables/frameworks.js';
import type { ApiClientsTable, InstitutionsTable } from './tables/institutions.js';
import type { CredentialImportsTable, CredentialsTable, StatusListsTable, TrustedIssuersTable } from './tables/credentials.js';
import type { LearnerLoginsTable, LearnersTable } from './tables/learners.js';
import type { LedgerEntriesTable, LedgerNodesTable, LedgerTreeHeadsTable } from './tables/ledger.js';
import type { AuditTrailTable, IdempotencyKeysTable, KeysTable } from './tables/platform.js';
import type {
  RecognisedCreditsTable, RecognitionAgreementPartiesTable, RecognitionAgreementsTable, RecognitionAppealsTable,
  RecognitionDecisionsTable, RecognitionItemsTable, RecognitionNoticesTable, RecognitionRequestsTable, RecognitionRulesTable,
} from './tables/recognition.js';
import type {
  AwardRescissionsTable, AwardsTable, ProgrammeEnrolmentsTable, ProgrammeVersionsTable, RequirementWaiversTable,
} from './tables/qualifications.js';
import type { AchievementKeysTable, AchievementsTable, AchievementVersionsTable, RecordShareAccessesTable, RecordSharesTable } from './tables/records.js';

/** The whole schema, one table type per file under tables/. */
export interface Database {
  institutions: InstitutionsTable;
  api_clients: ApiClientsTable;
  learners: LearnersTable;
  learner_logins: LearnerLoginsTable;
  keys: KeysTable;
  audit_trail: AuditTrailTable;
  idempotency_keys: IdempotencyKeysTable;
  ledger_entries: LedgerEntriesTable;
  ledger_nodes: LedgerNodesTable;
  ledger_tree_heads: LedgerTreeHeadsTable;
  framework_versions: FrameworkVersionsTable;
  framework_entries: FrameworkEntriesTable;
  catalogue_items: CatalogueItemsTable;
  achievement_keys: AchievementKeysTable;
  achievements: AchievementsTable;
  achievement_versions: AchievementVersionsTable;
  record_shares: RecordSharesTable;
  record_share_accesses: RecordShareAccessesTable;
  credentials: CredentialsTable;
  status_lists: StatusListsTable;
  credential_imports: CredentialImportsTable;
  trusted_issuers: TrustedIssuersTable;
  programme_versions: ProgrammeVersionsTable;
  programme_enrolments: ProgrammeEnrolmentsTable;
  awards: AwardsTable;
  award_rescissions: AwardRescissionsTable;
  requirement_waivers: RequirementWaiversTable;
  recognition_rules: RecognitionRulesTable;
  recognition_agreements: RecognitionAgreementsTable;
  recognition_agreement_parties: RecognitionAgreementPartiesTable;
  recognition_requests: RecognitionRequestsTable;
  recognition_items: RecognitionItemsTable;
  recognition_decisions: RecognitionDecisionsTable;
  recognition_appeals: RecognitionAppealsTable;
  recognised_credits: RecognisedCreditsTable;
  recognition_notices: RecognitionNoticesTable;
}

export type Db = Kysely<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Kysely<Database> | Transaction<Database>;
