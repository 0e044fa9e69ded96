import type { ColumnType } from 'kysely';

/** One row per programme version (reference table, never updated). */
export interface ProgrammeVersionsTable {
  programme_id: string;
  version: string;
  seq: number;
  /** The awarding institution's slug, as the programme document names it. */
  awarding_institution: string;
  name_en: string;
  document: ColumnType<unknown, string, never>;
  mapping: ColumnType<unknown, string, never>;
  digest: string;
  origin: string;
  created_by: string;
  created_at: Date;
}

export interface ProgrammeEnrolmentsTable {
  learner_id: string;
  programme_id: string;
  version: string;
  enrolled_by: string;
  enrolled_at: Date;
}

export interface AwardsTable {
  learner_id: string;
  id: string;
  programme_id: string;
  programme_version: string;
  institution_id: string;
  audit_snapshot: ColumnType<unknown, string, never>;
  snapshot_digest: string;
  /** numeric(10,2), read as an exact decimal string */
  total_credits: string;
  status: 'awarded' | 'rescinded';
  credential_id: string | null;
  awarded_by: string;
  awarded_at: Date;
  ledger_entry_id: ColumnType<number, number, never>;
}

export interface AwardRescissionsTable {
  learner_id: string;
  award_id: string;
  reason: string;
  rescinded_by: string;
  rescinded_at: Date;
  ledger_entry_id: number;
}

/** A waiver of one requirement for one learner; never deleted, revoked at most once. */
export interface RequirementWaiversTable {
  learner_id: string;
  id: string;
  programme_id: string;
  programme_version: string;
  requirement_id: string;
  /** The awarding institution of the programme (the one that may revoke it). */
  institution_id: string;
  reason: string;
  granted_by: string;
  granted_at: Date;
  ledger_entry_id: ColumnType<number, number, never>;
  revoked_at: Date | null;
  revoked_by: string | null;
  revocation_reason: string | null;
  revoked_entry_id: number | null;
}
