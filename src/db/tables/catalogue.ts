import type { ColumnType } from 'kysely';

/** One row per version of a catalogue item (reference table). */
export interface CatalogueItemsTable {
  id: string;
  institution_id: string;
  code: string;
  version: number;
  kind: string;
  title_zh: string | null;
  title_en: string | null;
  framework_id: string | null;
  framework_version: string | null;
  level: number | null;
  credit_system_id: string | null;
  /** numeric(10,2), read as an exact decimal string */
  credits: string | null;
  /** numeric(10,1) */
  notional_hours: string | null;
  isced_code: string | null;
  outcomes: ColumnType<unknown, string | undefined, never>;
  language: string | null;
  mode: string | null;
  grading_scheme_id: string;
  platform: string | null;
  completion_rule: ColumnType<unknown, string | null, never>;
  components: ColumnType<unknown, string | null, never>;
  /** date, read as 'YYYY-MM-DD' */
  effective_from: string;
  effective_to: string | null;
  retired_at: Date | null;
  retired_reason: string | null;
  content_hash: string;
  search_text: string;
  search_grams: string[];
  /** The highest version of its (institution, code): set on insert, cleared when a newer version is published. */
  is_latest: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | undefined, never>;
}
