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

/** Every write leaves a line: who, what, when, which request. Called inside the write's transaction. */
export async function recordWrite(db: Executor, actor: Actor, w: WriteRecord, at: Date): Promise<void> {
  const p = actor.principal;
  await db.insertInto('audit_trail').values({
    occurred_at: at,
    principal_kind: p.kind,
    principal_id: actorOf(p),
    institution_id: w.institutionId ?? (p.kind === 'institution' ? p.institutionId : null),
    learner_id: w.learnerId ?? null,
    action: w.action,
    resource_type: w.resourceType,
    resource_id: w.resourceId,
    request_id: actor.requestId,
    detail: w.detail === undefined ? null : JSON.stringify(w.detail),
  }).execute();
}

export function listWrites(db: Executor, resourceType: string, resourceId: string) {
  return db.selectFrom('audit_trail')
    .select(['id', 'occurred_at', 'principal_kind', 'principal_id', 'action', 'request_id', 'detail'])
    .where('resource_type', '=', resourceType).where('resource_id', '=', resourceId)
    .orderBy('id').execute();
}
