import type { ColumnType, Generated } from 'kysely';

/** Natural key (institution + external id) → the achievement it names; never updated. */
export interface AchievementKeysTable {
  institution_id: string;
  external_id: string;
  learner_id: string;
  achievement_id: string;
  /** SHA-256 of the canonical first deposit: a retry with the same content is a replay. */
  content_hash: string;
}

export interface AchievementsTable {
  learner_id: string;
  id: string;
  institution_id: string;
  external_id: string;
  /** 'catalogue' or a non-catalogue source: 'verified-certificate', 'work-based', 'rpl'. */
  source: string;
  created_at: Date;
}

export interface AchievementVersionsTable {
  learner_id: string;
  achievement_id: string;
  version: number;
  action: 'deposit' | 'correction' | 'revocation';
  supersedes: number | null;
  catalogue_item_id: string | null;
  /** Non-catalogue learning: title, level, field and provenance (JSON). */
  learning: ColumnType<unknown, string | null, never>;
  result: string | null;
  credits: ColumnType<string | null, string | null, never>;
  credit_system_id: string | null;
  completed_on: string | null;
  term: string | null;
  assessment_mode: string | null;
  evidence_url: string | null;
  evidence_sha256: string | null;
  reason: string | null;
  actor: string;
  recorded_at: Date;
  ledger_entry_id: number;
}

export interface RecordSharesTable {
  learner_id: string;
  id: string;
  token_hash: string;
  whole_record: boolean;
  achievement_ids: string[];
  recipient_name: string | null;
  recipient_institution_id: string | null;
  purpose: string | null;
  expires_at: Date;
  created_at: Date;
  revoked_at: Date | null;
}

export interface RecordShareAccessesTable {
  learner_id: string;
  share_id: string;
  id: Generated<number>;
  accessed_at: Date;
  outcome: 'shown' | 'expired' | 'revoked';
  ip_hash: string | null;
  user_agent: string | null;
  recipient_name: string | null;
}
