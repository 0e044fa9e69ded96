import type { Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { FrameworkEntriesTable, FrameworkEntryKind, FrameworkVersionsTable } from '../db/tables/frameworks.js';

const VERSION_COLUMNS = ['id', 'version', 'kind', 'document', 'content_hash', 'source', 'loaded_at'] as const;
const ENTRY_COLUMNS = ['kind', 'key', 'document', 'content_hash', 'source', 'loaded_at'] as const;

/** Every framework and ISCED-F version, oldest load first (reference data: small). */
export function listVersions(db: Executor) {
  return db.selectFrom('framework_versions').select(VERSION_COLUMNS).orderBy('loaded_at').orderBy('id').orderBy('version').execute();
}

export function listEntries(db: Executor) {
  return db.selectFrom('framework_entries').select(ENTRY_COLUMNS).orderBy('kind').orderBy('key').execute();
}

export async function versionHashes(db: Executor, keys: { id: string; version: string }[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('framework_versions').select(['id', 'version', 'content_hash'])
    .where((eb) => eb.or(keys.map((k) => eb.and([eb('id', '=', k.id), eb('version', '=', k.version)])))).execute();
  return new Map(rows.map((r) => [`${r.id}@${r.version}`, r.content_hash]));
}

export async function entryHashes(db: Executor, keys: { kind: FrameworkEntryKind; key: string }[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('framework_entries').select(['kind', 'key', 'content_hash'])
    .where((eb) => eb.or(keys.map((k) => eb.and([eb('kind', '=', k.kind), eb('key', '=', k.key)])))).execute();
  return new Map(rows.map((r) => [`${r.kind}:${r.key}`, r.content_hash]));
}

export async function insertVersions(db: Executor, rows: Insertable<FrameworkVersionsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('framework_versions').values(rows).execute();
}

export async function insertEntries(db: Executor, rows: Insertable<FrameworkEntriesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('framework_entries').values(rows).execute();
}
