import { createHmac, hash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Actor } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { unnestInsert, type Column } from '../db/bulk-insert.js';
import type { Executor } from '../db/database.js';
import { eventBodyDigest } from './merkle/ledger-entry.js';

export interface LedgerEvent {
  /** e.g. 'achievement.deposited', 'achievement.corrected', 'recognition.decided', 'credential.issued'. */
  eventType: string;
  actor: Actor | string;
  learnerId: string | null;
  /** The row the event body is rebuilt from when an auditor checks the database against the log. */
  resourceType: string;
  resourceId: string;
  /** The event body; only its RFC 8785 digest is logged. Must be rebuildable from the resource's rows. */
  body: unknown;
  /** The body's RFC 8785 text when the caller already built it (bulk writers); must equal canonicalJson(body). */
  canonicalBody?: string;
  at: Date;
}

interface EntryRow {
  learner_id: string | null; subject_ref: string; event_type: string; actor: string; recorded_at: Date;
  body_digest: string; resource_type: string; resource_id: string;
}
const ENTRY_COLUMNS: Column<EntryRow>[] = [['learner_id', 'uuid[]'], ['subject_ref', 'text[]'], ['event_type', 'text[]'], ['actor', 'text[]'],
  ['recorded_at', 'timestamptz[]'], ['body_digest', 'text[]'], ['resource_type', 'text[]'], ['resource_id', 'text[]']];

const digestOf = (e: LedgerEvent) =>
  (e.canonicalBody === undefined ? eventBodyDigest(e.body) : hash('sha256', e.canonicalBody, 'hex'));

/**
 * Appends ledger entries inside the caller's transaction, so a change and its log entry commit or
 * roll back together. Public entries carry a keyed hash of the learner id, never the id itself.
 */
export class LedgerWriter {
  constructor(private readonly subjectKey: Buffer) {}

  subjectRef(learnerId: string | null): string {
    return createHmac('sha256', this.subjectKey).update(learnerId ?? 'bank').digest('hex');
  }

  async append(trx: Executor, e: LedgerEvent): Promise<{ id: number; bodyDigest: string }> {
    const bodyDigest = eventBodyDigest(e.body);
    const row = await trx.insertInto('ledger_entries').values({
      learner_id: e.learnerId, subject_ref: this.subjectRef(e.learnerId), event_type: e.eventType,
      actor: typeof e.actor === 'string' ? e.actor : actorOf(e.actor.principal), recorded_at: e.at,
      body_digest: bodyDigest, resource_type: e.resourceType, resource_id: e.resourceId, leaf_index: null, leaf_hash: null,
    }).returning('id').executeTakeFirstOrThrow();
    return { id: row.id, bodyDigest };
  }

  /**
   * Appends several entries in one statement (bulk deposits); results are keyed by resourceId.
   * One bound array per column (unnest), so the statement's size does not grow with the batch.
   */
  async appendMany(trx: Executor, events: LedgerEvent[]): Promise<Map<string, { id: number; bodyDigest: string }>> {
    if (events.length === 0) return new Map();
    const rows = this.entryRows(events);
    const { rows: ids } = await sql<{ id: string | number; resource_id: string }>`${unnestInsert('ledger_entries', ENTRY_COLUMNS, rows)}
      returning id, resource_id`.execute(trx);
    const digests = new Map(rows.map((r) => [r.resource_id, r.body_digest]));
    return new Map(ids.map((r) => [r.resource_id, { id: Number(r.id), bodyDigest: digests.get(r.resource_id)! }]));
  }

  /**
   * The insert of `events` as part of a larger statement (a data-modifying WITH), for a change that
   * must be written with its entries in one round trip and without an explicit transaction: one
   * statement commits or fails as a whole. Only the events whose resourceId is among the values
   * `insertedIds` selects are written, so a row the statement did not insert (a lost race) gets no
   * entry. The entries are the same as appendMany's.
   */
  insertion(events: LedgerEvent[], insertedIds: RawBuilder<unknown>): RawBuilder<unknown> {
    return unnestInsert('ledger_entries', ENTRY_COLUMNS, this.entryRows(events), { column: 'resource_id', in: insertedIds });
  }

  private entryRows(events: LedgerEvent[]): EntryRow[] {
    const refs = new Map<string | null, string>();
    const refOf = (id: string | null) => refs.get(id) ?? refs.set(id, this.subjectRef(id)).get(id)!;
    return events.map((e): EntryRow => ({
      learner_id: e.learnerId, subject_ref: refOf(e.learnerId), event_type: e.eventType,
      actor: typeof e.actor === 'string' ? e.actor : actorOf(e.actor.principal), recorded_at: e.at,
      body_digest: digestOf(e), resource_type: e.resourceType, resource_id: e.resourceId,
    }));
  }
}
