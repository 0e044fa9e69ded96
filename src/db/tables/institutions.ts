import type { ColumnType, Generated } from 'kysely';

export interface InstitutionsTable {
  id: string;
  slug: string;
  name_zh: string | null;
  name_en: string;
  kind: string;
  region_code: string | null;
  country: string;
  uscc: string | null;
  did: string;
  status: Generated<string>;
  created_at: ColumnType<Date, never, never>;
}

export interface ApiClientsTable {
  id: string;
  kind: 'operator' | 'institution';
  institution_id: string | null;
  name: string;
  secret_hash: string;
  scopes: string[];
  created_at: ColumnType<Date, never, never>;
  revoked_at: Date | null;
}
