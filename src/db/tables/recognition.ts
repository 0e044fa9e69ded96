import type { ColumnType } from 'kysely';

type Json = ColumnType<unknown, string, never>;

/** One row per rule version (reference table); never updated. */
export interface RecognitionRulesTable {
  id: string;
  version: number;
  owner_kind: 'institution' | 'agreement';
  owner_id: string;
  target_institution_id: string;
  programme_id: string | null;
  kind: 'equivalency' | 'block' | 'conversion' | 'caps';
  definition: Json;
  effective_from: string;
  effective_to: string | null;
  rationale: string;
  evidence: Json;
  supersedes: number | null;
  published_by: string;
  published_at: Date;
  /** A bidirectional equivalency is also read back at this institution (all its sources are there). */
  read_back_institution_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface RecognitionAgreementsTable {
  id: string;
  kind: 'bilateral' | 'regional' | 'international';
  name_zh: string | null;
  name_en: string;
  effective_from: string;
  effective_to: string | null;
  status: string;
  created_by: string;
  created_at: Date;
  changed_at: Date;
  /** Ended as a whole: not in force from this date on (effective_to is the day before). */
  ended_on: ColumnType<string | null, string | null | undefined, string | null>;
  end_reason: ColumnType<string | null, string | null | undefined, string | null>;
  ended_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RecognitionAgreementPartiesTable {
  agreement_id: string;
  institution_id: string;
  joined_on: string;
  left_on: string | null;
}

export interface RecognitionRequestsTable {
  learner_id: string;
  id: string;
  target_institution_id: string;
  programme_id: string | null;
  evaluated_on: string;
  note: string | null;
  created_at: Date;
}

export interface RecognitionItemsTable {
  learner_id: string;
  id: string;
  request_id: string;
  target_institution_id: string;
  /** The record entry evaluated: a deposited achievement, or a credential import when source_kind is 'import'. */
  achievement_id: string;
  source_kind: ColumnType<'achievement' | 'import', 'achievement' | 'import' | undefined, never>;
  status: 'queued' | 'decided' | 'appealed';
  evaluation: Json;
  queued_at: Date | null;
}

export interface RecognitionDecisionsTable {
  learner_id: string;
  id: string;
  item_id: string;
  request_id: string;
  kind: 'automatic' | 'review' | 'appeal' | 're-evaluation';
  outcome: 'approve' | 'partial' | 'reject';
  credits: string;
  grants: Json;
  rule_versions: Json;
  reviewer: string;
  reason: string;
  evidence: Json;
  decided_at: Date;
  ledger_entry_id: number;
}

export interface RecognitionAppealsTable {
  learner_id: string;
  id: string;
  item_id: string;
  request_id: string;
  appealed_decision_id: string;
  reason: string;
  evidence: Json;
  filed_at: Date;
  decision_id: string | null;
}

export interface RecognisedCreditsTable {
  learner_id: string;
  id: string;
  decision_id: string;
  item_id: string;
  target_institution_id: string;
  programme_id: string | null;
  category: string;
  credits: string;
  target_item_id: string | null;
  source_achievement_ids: string[];
  source_institution_ids: string[];
  /** Credential imports the credit rests on (verified, from an issuer trusted at import time). */
  source_import_ids: ColumnType<string[], string[] | undefined, never>;
  /** Trust-list entries of the external issuers of those imports (the sources a per-source cap counts beside institutions). */
  source_trust_entry_ids: ColumnType<string[], string[] | undefined, never>;
  rule_id: string | null;
  rule_version: number | null;
  recognised_on: string;
  granted_entry_id: number;
  revoked_at: Date | null;
  revoked_reason: string | null;
  revoked_entry_id: number | null;
}

export interface RecognitionNoticesTable {
  learner_id: string;
  id: string;
  institution_id: string;
  kind: string;
  subject_id: string;
  message: string;
  detail: Json;
  created_at: Date;
}
