import type { Executor } from '../db/database.js';
import type { Actor } from '../auth/principal.js';

/** Learning the bank holds although it is in no catalogue, each with where it came from. */
export const LEARNING_SOURCES = ['verified-certificate', 'work-based', 'rpl'] as const;
export type LearningSource = (typeof LEARNING_SOURCES)[number];

export interface NonCatalogueLearning {
  source: LearningSource;
  title: { zh?: string; en?: string };
  level?: { frameworkId: string; frameworkVersion: string; level: number };
  iscedCode?: string;
  creditSystemId?: string;
  gradingSchemeId?: string;
  provenance: {
    /** Who issued or assessed it: a certification body, an employer, an RPL assessor. */
    issuer: string;
    /** How the depositor verified it, e.g. 'registry look-up', 'portfolio assessment'. */
    method: string;
    reference?: string;
    verifiedOn?: string;
  };
}

export interface Evidence { url: string; sha256: string }

/** What a deposit or correction states; a revocation states only a reason. */
export interface AchievementContent {
  catalogueItemId: string | null;
  learning: NonCatalogueLearning | null;
  result: string | null;
  credits: string | null;
  creditSystemId: string | null;
  completedOn: string;
  term: string | null;
  assessmentMode: string | null;
  evidence: Evidence | null;
}

/** Input of a deposit: content plus the depositor's own id for it. */
export interface DepositInput {
  externalId: string;
  catalogueItemId?: string;
  learning?: NonCatalogueLearning;
  result?: string;
  credits?: string;
  completedOn: string;
  term?: string;
  assessmentMode?: string;
  evidence?: Evidence;
  /** Operators deposit on behalf of an institution; an institution client may only name itself. */
  institutionId?: string;
}

export type CorrectionInput = Omit<DepositInput, 'externalId' | 'institutionId'> & { supersedes: number; reason: string };

export interface AchievementVersion {
  version: number;
  action: 'deposit' | 'correction' | 'revocation';
  supersedes: number | null;
  content: AchievementContent | null;
  reason: string | null;
  actor: string;
  recordedAt: string;
  ledgerEntryId: number;
}

export interface Achievement {
  id: string;
  learnerId: string;
  institutionId: string;
  externalId: string;
  source: string;
  status: 'active' | 'revoked';
  /** Content of the latest deposit or correction (kept after a revocation, for the history). */
  current: AchievementContent;
  currentVersion: number;
  history: AchievementVersion[];
  createdAt: string;
}

export interface RevocationEvent {
  learnerId: string;
  achievementId: string;
  version: number;
  reason: string;
  actor: Actor;
  at: Date;
}

/** Other domains react to a revocation inside its transaction (recognition, credentials). */
export type RevocationHandler = (trx: Executor, event: RevocationEvent) => Promise<void>;

/** How an imported credential (brought by the learner from elsewhere) was verified, as the record shows it. */
export interface ImportedCredentialMark {
  id: string; format: string; verification: string; verified: boolean; name: string | null; issuer: string | null;
  trustedIssuer: boolean; countsForRecognition: boolean;
  trustEntry: { id: string; status: 'active' | 'removed'; removedAt: string | null } | null;
  importedAt: string;
  /** For a credential that came bundled in an imported CLR: that CLR's import. */
  partOf: string | null;
}

/** An imported credential with its checks and the original kept as evidence (the record export). */
export interface ImportedCredential extends ImportedCredentialMark {
  checks: unknown;
  evidence: { digest: string; mediaType: string; credential: unknown };
}

/** Where the record finds a learner's imported credentials (the credentials domain holds them). */
export interface ImportedCredentialSource {
  /** With originals, for the export. */
  allFor(learnerId: string): Promise<ImportedCredential[]>;
  /** Marks only, for the transcript (no originals read). */
  marksFor(learnerId: string): Promise<ImportedCredentialMark[]>;
}
