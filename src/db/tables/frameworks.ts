import type { ColumnType } from 'kysely';

/** A framework (or ISCED-F) version: the validated document as loaded, kept forever. */
export interface FrameworkVersionsTable {
  id: string;
  version: string;
  kind: 'framework' | 'isced-f';
  document: unknown;
  content_hash: string;
  source: string;
  loaded_at: ColumnType<Date, Date | undefined, never>;
}

export type FrameworkEntryKind = 'credit-system' | 'grading-scheme' | 'grade-conversion' | 'level-mapping' | 'referencing-study';

/** Credit systems, grading schemes, conversions, mappings, studies: immutable once loaded. */
export interface FrameworkEntriesTable {
  kind: FrameworkEntryKind;
  key: string;
  document: unknown;
  content_hash: string;
  source: string;
  loaded_at: ColumnType<Date, Date | undefined, never>;
}
