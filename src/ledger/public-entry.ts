import { leafHashOf, toBase64, type PublicLedgerEntry } from './merkle/index.js';
import type { EntryRow } from './ledger.repository.js';

/** A public entry as served: the six hashed fields, the stored leaf hash and the entry's id. */
export interface ServedEntry extends PublicLedgerEntry {
  entryId: number;
  /** Base64 RFC 9162 leaf hash the log stored when it integrated the entry. */
  leafHash: string;
}

/**
 * The actor as published. A learner acting on their own record would otherwise put their id in
 * the public log; the subject reference already names (pseudonymously) whose record it is.
 */
export function publicActor(actor: string): string {
  return actor.startsWith('learner:') ? 'learner' : actor;
}

/** The public form of a row at a given leaf index: exactly what the leaf hash covers. */
export function publicEntryOf(row: EntryRow, index: number): PublicLedgerEntry {
  return {
    index, recordedAt: row.recorded_at.toISOString(), eventType: row.event_type, actor: publicActor(row.actor),
    subjectRef: row.subject_ref, bodyDigest: row.body_digest,
  };
}

/** Leaf hash of an entry about to get leaf index `index`. */
export const leafHashFor = (row: EntryRow, index: number): Uint8Array => leafHashOf(publicEntryOf(row, index));

/** An integrated row as served (the caller guarantees `leaf_index` and `leaf_hash` are set). */
export function servedEntryOf(row: EntryRow): ServedEntry {
  return { ...publicEntryOf(row, row.leaf_index!), entryId: row.id, leafHash: toBase64(row.leaf_hash!) };
}
