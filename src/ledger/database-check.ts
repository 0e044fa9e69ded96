import type { Db } from '../db/database.js';
import type { BodyRebuilder, EntryRef, LedgerBodies } from './body-registry.js';
import { eventBodyDigest, hashesEqual } from './merkle/index.js';
import * as repo from './ledger.repository.js';
import { leafHashFor } from './public-entry.js';

export type DatabaseProblemKind =
  | 'body-digest-mismatch' // the domain row was changed after it was logged
  | 'row-missing' // the domain row the entry logged is gone
  | 'body-unbuildable' // the row exists but its body can no longer be built (e.g. a column made invalid)
  | 'leaf-hash-mismatch' // the ledger row itself was changed after it was integrated
  | 'entry-missing'; // a domain row names a ledger entry that no longer exists

export interface DatabaseProblem {
  kind: DatabaseProblemKind;
  entryId: number;
  leafIndex: number | null;
  resourceType: string;
  resourceId: string;
  eventType: string;
  expected?: string;
  found?: string;
}

export interface DatabaseCheckReport {
  ok: boolean;
  entriesChecked: number;
  bodiesChecked: number;
  /** Entries of resource types no domain registered a body source for (checked for leaf hash only). */
  uncheckedByType: Record<string, number>;
  problemCount: number;
  /** The first problems, in entry id order (at most `maxProblems`). */
  problems: DatabaseProblem[];
  seconds: number;
}

type CheckRow = Awaited<ReturnType<typeof repo.entriesForCheck>>[number];

/**
 * Recomputes `eventBodyDigest(body)` for every entry from the rows as they are now, streaming in
 * id order one batch at a time, and the leaf hash of every integrated entry. Reports rows whose
 * digest no longer matches the log: an UPDATE that bypassed the service.
 */
export interface CheckOptions {
  batchSize?: number;
  maxProblems?: number;
  /** Told the number of entries once, then after each batch how many it checked (the CLI's progress bar). */
  onTotal?: (entries: number) => void;
  onBatch?: (checked: number) => void;
}

export async function checkDatabase(db: Db, bodies: LedgerBodies, opts: CheckOptions = {}): Promise<DatabaseCheckReport> {
  const started = Date.now();
  const batchSize = opts.batchSize ?? 2000;
  const maxProblems = opts.maxProblems ?? 100;
  const report: DatabaseCheckReport = { ok: true, entriesChecked: 0, bodiesChecked: 0, uncheckedByType: {}, problemCount: 0, problems: [], seconds: 0 };
  const add = (p: DatabaseProblem) => {
    report.problemCount += 1;
    if (report.problems.length < maxProblems) report.problems.push(p);
  };
  if (opts.onTotal) opts.onTotal(await repo.countEntries(db));
  for (let afterId = 0; ;) {
    const batch = await repo.entriesForCheck(db, afterId, batchSize);
    if (batch.length === 0) break;
    opts.onBatch?.(batch.length);
    afterId = batch[batch.length - 1]!.id;
    report.entriesChecked += batch.length;
    checkLeafHashes(batch, add);
    for (const [type, rows] of groupByType(batch)) {
      const rebuild = bodies.get(type);
      if (!rebuild) report.uncheckedByType[type] = (report.uncheckedByType[type] ?? 0) + rows.length;
      else report.bodiesChecked += await checkBodies(db, rebuild, rows, add);
    }
  }
  for (const ref of bodies.references()) {
    for (const row of await repo.rowsWithMissingEntry(db, ref, maxProblems)) {
      add({ kind: 'entry-missing', entryId: row.entryId, leafIndex: null, resourceType: ref.table, resourceId: row.key, eventType: '' });
    }
  }
  for (const ref of bodies.resourceReferences()) {
    for (const key of await repo.rowsWithoutResourceEntry(db, ref, maxProblems)) {
      // No entry id to name: the row was found by its resource, and its entry is gone.
      add({ kind: 'entry-missing', entryId: 0, leafIndex: null, resourceType: ref.table, resourceId: key, eventType: ref.eventType });
    }
  }
  report.problems.sort((a, b) => a.entryId - b.entryId);
  report.ok = report.problemCount === 0;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

function groupByType(rows: CheckRow[]): Map<string, CheckRow[]> {
  const groups = new Map<string, CheckRow[]>();
  for (const row of rows) groups.set(row.resource_type, [...(groups.get(row.resource_type) ?? []), row]);
  return groups;
}

const problemOf = (row: CheckRow, kind: DatabaseProblemKind, extra: Partial<DatabaseProblem> = {}): DatabaseProblem => ({
  kind, entryId: row.id, leafIndex: row.leaf_index, resourceType: row.resource_type, resourceId: row.resource_id,
  eventType: row.event_type, ...extra,
});

async function checkBodies(db: Db, rebuild: BodyRebuilder, rows: CheckRow[], add: (p: DatabaseProblem) => void): Promise<number> {
  const refs: EntryRef[] = rows.map((r) => ({ id: r.id, resourceId: r.resource_id, eventType: r.event_type }));
  const rebuilt = await rebuild(db, refs);
  for (const row of rows) {
    if (!rebuilt.has(row.id)) {
      add(problemOf(row, 'row-missing'));
      continue;
    }
    let digest: string;
    try {
      digest = eventBodyDigest(rebuilt.get(row.id));
    } catch (cause) {
      add(problemOf(row, 'body-unbuildable', { found: String(cause) }));
      continue;
    }
    if (digest !== row.body_digest) add(problemOf(row, 'body-digest-mismatch', { expected: row.body_digest, found: digest }));
  }
  return rows.length;
}

/** The ledger row itself: its public fields must still hash to the leaf hash stored at integration. */
function checkLeafHashes(batch: CheckRow[], add: (p: DatabaseProblem) => void): void {
  for (const row of batch) {
    if (row.leaf_index === null || row.leaf_hash === null) continue;
    const stored = new Uint8Array(row.leaf_hash.buffer, row.leaf_hash.byteOffset, row.leaf_hash.byteLength);
    if (!hashesEqual(leafHashFor(row, row.leaf_index), stored)) add(problemOf(row, 'leaf-hash-mismatch'));
  }
}
