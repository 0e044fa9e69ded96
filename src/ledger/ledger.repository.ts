import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { LedgerReference, ResourceReference } from './body-registry.js';
import { nodeKey, type NodeRef, type StoredNode } from './merkle/index.js';

/** What the integrator and the public routes read of an entry; `learner_id` never leaves the service. */
export interface EntryRow {
  id: number;
  subject_ref: string;
  event_type: string;
  actor: string;
  recorded_at: Date;
  body_digest: string;
  leaf_index: number | null;
  leaf_hash: Uint8Array | null;
}

export interface HeadRow {
  tree_size: number;
  root_hash: string;
  timestamp: Date;
  key_id: string;
  signature: string;
}

const ENTRY_COLUMNS = ['id', 'subject_ref', 'event_type', 'actor', 'recorded_at', 'body_digest', 'leaf_index', 'leaf_hash'] as const;
const HEAD_COLUMNS = ['tree_size', 'root_hash', 'timestamp', 'key_id', 'signature'] as const;

const bytes = (b: Uint8Array | null): Uint8Array | null => (b === null ? null : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Number of integrated entries: leaf indexes are contiguous from 0, so max + 1. */
export async function integratedSize(db: Executor): Promise<number> {
  const row = await db.selectFrom('ledger_entries').select(sql<number | null>`max(leaf_index)`.as('m')).executeTakeFirst();
  return row?.m === null || row?.m === undefined ? 0 : Number(row.m) + 1;
}

/** Committed entries not yet in the tree, in id order (the partial index makes this cheap). */
export function pendingEntries(db: Executor, limit: number): Promise<EntryRow[]> {
  return db.selectFrom('ledger_entries').select(ENTRY_COLUMNS).where('leaf_index', 'is', null)
    .orderBy('id').limit(limit).execute();
}

/** One UPDATE for the whole batch. */
export async function assignLeaves(db: Executor, leaves: { id: number; leafIndex: number; leafHash: Uint8Array }[]): Promise<void> {
  if (leaves.length === 0) return;
  await sql`update ledger_entries e set leaf_index = v.leaf_index, leaf_hash = decode(v.leaf_hash, 'hex')
    from unnest(${leaves.map((l) => l.id)}::bigint[], ${leaves.map((l) => l.leafIndex)}::bigint[], ${leaves.map((l) => hex(l.leafHash))}::text[])
      as v(id, leaf_index, leaf_hash)
    where e.id = v.id and e.leaf_index is null`.execute(db);
}

/** Perfect nodes of level ≥ 1, one INSERT per batch. */
export async function insertNodes(db: Executor, nodes: StoredNode[]): Promise<void> {
  for (let i = 0; i < nodes.length; i += 20_000) {
    const chunk = nodes.slice(i, i + 20_000);
    await sql`insert into ledger_nodes (level, idx, hash)
      select level, idx, decode(h, 'hex') from unnest(${chunk.map((n) => n.level)}::smallint[], ${chunk.map((n) => n.index)}::bigint[], ${chunk.map((n) => hex(n.hash))}::text[]) as v(level, idx, h)`
      .execute(db);
  }
}

/**
 * Planned nodes in ONE query: level 0 comes from the entries' stored leaf hashes, higher levels
 * from ledger_nodes. Returns a map keyed by `nodeKey`; absent nodes are simply missing.
 */
export async function fetchNodes(db: Executor, refs: readonly NodeRef[]): Promise<Map<string, Uint8Array>> {
  const leaves = refs.filter((r) => r.level === 0).map((r) => r.index);
  const inner = refs.filter((r) => r.level > 0);
  const out = new Map<string, Uint8Array>();
  if (refs.length === 0) return out;
  const { rows } = await sql<{ level: number; idx: number; hash: Uint8Array }>`
    select 0 as level, leaf_index as idx, leaf_hash as hash from ledger_entries where leaf_index = any(${leaves}::bigint[])
    union all
    select n.level, n.idx, n.hash from ledger_nodes n
      join unnest(${inner.map((r) => r.level)}::smallint[], ${inner.map((r) => r.index)}::bigint[]) as p(level, idx)
        on n.level = p.level and n.idx = p.idx`.execute(db);
  for (const r of rows) out.set(nodeKey(Number(r.level), Number(r.idx)), bytes(r.hash)!);
  return out;
}

/** Entries with leaf index in [start, end), in index order. */
export function entriesByIndex(db: Executor, start: number, end: number): Promise<EntryRow[]> {
  return db.selectFrom('ledger_entries').select(ENTRY_COLUMNS)
    .where('leaf_index', '>=', start).where('leaf_index', '<', end).orderBy('leaf_index').execute();
}

export function entryById(db: Executor, id: number): Promise<EntryRow | undefined> {
  return db.selectFrom('ledger_entries').select(ENTRY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function entryByLeafIndex(db: Executor, leafIndex: number): Promise<EntryRow | undefined> {
  return db.selectFrom('ledger_entries').select(ENTRY_COLUMNS).where('leaf_index', '=', leafIndex).executeTakeFirst();
}

/** The first entry about a resource: the event that created it (e.g. `credential.issued`). */
export function firstEntryForResource(db: Executor, resourceType: string, resourceId: string): Promise<EntryRow | undefined> {
  return db.selectFrom('ledger_entries').select(ENTRY_COLUMNS)
    .where('resource_type', '=', resourceType).where('resource_id', '=', resourceId).orderBy('id').limit(1).executeTakeFirst();
}

/** The first entry of each resource, one query for a page of resources. */
export async function firstEntriesForResources(db: Executor, resourceType: string, resourceIds: readonly string[]) {
  if (resourceIds.length === 0) return [];
  return db.selectFrom('ledger_entries').distinctOn('resource_id').select(['resource_id', 'id', 'leaf_index'])
    .where('resource_type', '=', resourceType).where('resource_id', 'in', [...resourceIds])
    .orderBy('resource_id').orderBy('id').execute();
}

export async function countEntries(db: Executor): Promise<number> {
  const row = await db.selectFrom('ledger_entries').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Entries after `afterId` with what the body registry needs, for the database check. */
export function entriesForCheck(db: Executor, afterId: number, limit: number) {
  return db.selectFrom('ledger_entries')
    .select([...ENTRY_COLUMNS, 'resource_type', 'resource_id'])
    .where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

export function latestHead(db: Executor): Promise<HeadRow | undefined> {
  return db.selectFrom('ledger_tree_heads').select(HEAD_COLUMNS).orderBy('tree_size', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export function headsOfSize(db: Executor, treeSize: number): Promise<HeadRow[]> {
  return db.selectFrom('ledger_tree_heads').select(HEAD_COLUMNS).where('tree_size', '=', treeSize).orderBy('id').execute();
}

/** Heads in (size, id) order after a keyset cursor. */
export function listHeads(db: Executor, after: [number, number] | undefined, limit: number) {
  let q = db.selectFrom('ledger_tree_heads').select(['id', ...HEAD_COLUMNS]).orderBy('tree_size').orderBy('id').limit(limit);
  if (after) {
    const [size, id] = after;
    q = q.where((eb) => eb.or([eb('tree_size', '>', size), eb.and([eb('tree_size', '=', size), eb('id', '>', id)])]));
  }
  return q.execute();
}

export async function insertHead(db: Executor, head: HeadRow): Promise<void> {
  await db.insertInto('ledger_tree_heads').values(head).execute();
}

/** Transaction-scoped advisory lock: one integrator at a time across every process. */
export async function tryIntegratorLock(db: Executor): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${LOCK_KEY}::bigint) as locked`.execute(db);
  return rows[0]?.locked === true;
}

// An arbitrary constant that names the ledger integrator among the database's advisory locks.
const LOCK_KEY = 0x1ed6e7;

/** Rows of a registered domain table whose ledger entry id names no entry (anti-join). */
export async function rowsWithMissingEntry(db: Executor, ref: LedgerReference, limit: number): Promise<{ entryId: number; key: string }[]> {
  const key = sql.join(ref.key.map((c) => sql`${sql.ref(`t.${c}`)}::text`), sql`, `);
  const { rows } = await sql<{ entry_id: string | number; key: string }>`
    select ${sql.ref(`t.${ref.column}`)} as entry_id, concat_ws(':', ${key}) as key
    from ${sql.table(ref.table)} as t
    where ${sql.ref(`t.${ref.column}`)} is not null
      and not exists (select 1 from ledger_entries e where e.id = ${sql.ref(`t.${ref.column}`)})
    order by ${sql.ref(`t.${ref.column}`)} limit ${limit}`.execute(db);
  return rows.map((r) => ({ entryId: Number(r.entry_id), key: r.key }));
}

/** Rows of a table that have no entry of the given resource and event type about them (anti-join on the resource index). */
export async function rowsWithoutResourceEntry(db: Executor, ref: ResourceReference, limit: number): Promise<string[]> {
  const key = sql.join(ref.key.map((c) => sql`${sql.ref(`t.${c}`)}::text`), sql`, `);
  const when = ref.when ? sql`${sql.ref(`t.${ref.when.column}`)}::text = ${ref.when.equals} and` : sql``;
  const { rows } = await sql<{ key: string }>`
    select concat_ws(':', ${key}) as key from ${sql.table(ref.table)} as t
    where ${when} not exists (select 1 from ledger_entries e where e.resource_type = ${ref.resourceType}
      and e.resource_id = ${sql.ref(`t.${ref.idColumn}`)}::text and e.event_type = ${ref.eventType})
    limit ${limit}`.execute(db);
  return rows.map((r) => r.key);
}
