import type { ColumnType } from 'kysely';

export interface LearnersTable {
  id: string;
  identity_type: 'cn-resident' | 'passport';
  identity_hmac: string;
  identity_ciphertext: string;
  identity_masked: string;
  identity_country: string;
  name: string;
  name_latin: string | null;
  birth_date: string | null;
  did: string | null;
  subject_salt: string;
  created_by: string;
  created_at: ColumnType<Date, never, never>;
}

export interface LearnerLoginsTable {
  issuer: string;
  subject: string;
  learner_id: string;
  created_at: ColumnType<Date, never, never>;
}
