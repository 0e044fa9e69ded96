import type { RawBuilder } from 'kysely';
import { unnestInsert, type Column } from '../db/bulk-insert.js';
import type { Executor } from '../db/database.js';
import type { Actor } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';

export interface WriteRecord {
  action: string;
  resourceType: string;
  resourceId: string;
  institutionId?: string | null;
  learnerId?: string | null;
  detail?: unknown;
}

interface AuditRow {
  occurred_at: Date; principal_kind: string; principal_id: string; institution_id: string | null; learner_id: string | null;
  action: string; resource_type: string; resource_id: string; request_id: string | null; detail: string | null;
}
const AUDIT_COLUMNS: Column<AuditRow>[] = [['occurred_at', 'timestamptz[]'], ['principal_kind', 'text[]'], ['principal_id', 'text[]'],
  ['institution_id', 'uuid[]'], ['learner_id', 'uuid[]'], ['action', 'text[]'], ['resource_type', 'text[]'], ['resource_id', 'text[]'],
  ['request_id', 'text[]'], ['detail', 'jsonb[]']];

function auditRow(actor: Actor, w: WriteRecord, at: Date): AuditRow {
  const p = actor.principal;
  return {
    occurred_at: at, principal_kind: p.kind, principal_id: actorOf(p),
    institution_id: w.institutionId ?? (p.kind === 'institution' ? p.institutionId : null),
    learner_id: w.learnerId ?? null, action: w.action, resource_type: w.resourceType, resource_id: w.resourceId,
    request_id: actor.requestId ?? null, detail: w.detail === undefined ? null : JSON.stringify(w.detail),
  };
}

/** Every write leaves a line: who, what, when, which request. Called inside the write's transaction. */
export async function recordWrite(db: Executor, actor: Actor, w: WriteRecord, at: Date): Promise<void> {
  await db.insertInto('audit_trail').values(auditRow(actor, w, at)).execute();
}

/**
 * The lines of several writes (each with its own actor and time) as part of a larger statement, a
 * data-modifying WITH: only those whose resourceId is among the values `insertedIds` selects, so a
 * row the statement did not insert leaves no line. See LedgerWriter.insertion.
 */
export function writesInsertion(writes: { actor: Actor; write: WriteRecord; at: Date }[], insertedIds: RawBuilder<unknown>): RawBuilder<unknown> {
  return unnestInsert('audit_trail', AUDIT_COLUMNS, writes.map((x) => auditRow(x.actor, x.write, x.at)), { column: 'resource_id', in: insertedIds });
}

export function listWrites(db: Executor, resourceType: string, resourceId: string) {
  return db.selectFrom('audit_trail')
    .select(['id', 'occurred_at', 'principal_kind', 'principal_id', 'action', 'request_id', 'detail'])
    .where('resource_type', '=', resourceType).where('resource_id', '=', resourceId)
    .orderBy('id').execute();
}
