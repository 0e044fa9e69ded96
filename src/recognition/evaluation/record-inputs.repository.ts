import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { NonCatalogueLearning } from '../../records/records.types.js';

/** What the engine reads of one recorded achievement: its current content and whether it is revoked. */
export interface RecordInput {
  id: string; learnerId: string; institutionId: string; status: 'active' | 'revoked';
  current: { catalogueItemId: string | null; learning: NonCatalogueLearning | null; result: string | null; credits: string | null; creditSystemId: string | null; completedOn: string };
}

interface Row {
  id: string; learner_id: string; institution_id: string; last_action: string; catalogue_item_id: string | null; learning: unknown;
  result: string | null; credits: string | null; credit_system_id: string | null; completed_on: string;
}

/**
 * A learner's achievements (all, or these ids) in ONE query over the learner's key range: the latest
 * version (revoked or not) and the latest version with content (what a correction left), and only
 * the columns the engine needs, instead of every version of every achievement.
 */
export async function recordInputs(db: Executor, learnerId: string, ids?: string[]): Promise<RecordInput[]> {
  if (ids?.length === 0) return [];
  const only = ids ? sql`and a.id = any(${ids}::uuid[])` : sql``;
  const { rows } = await sql<Row>`select a.id, a.learner_id, a.institution_id, last.action as last_action, cur.catalogue_item_id,
      cur.learning, cur.result, cur.credits::text as credits, cur.credit_system_id, cur.completed_on::text as completed_on
    from achievements a
    cross join lateral (select v.action from achievement_versions v where v.learner_id = a.learner_id and v.achievement_id = a.id
      order by v.version desc limit 1) last
    cross join lateral (select v.catalogue_item_id, v.learning, v.result, v.credits, v.credit_system_id, v.completed_on from achievement_versions v
      where v.learner_id = a.learner_id and v.achievement_id = a.id and v.action <> 'revocation' order by v.version desc limit 1) cur
    where a.learner_id = ${learnerId} ${only}
    order by a.created_at, a.id`.execute(db);
  return rows.map((r) => ({
    id: r.id, learnerId: r.learner_id, institutionId: r.institution_id, status: r.last_action === 'revocation' ? 'revoked' : 'active',
    current: {
      catalogueItemId: r.catalogue_item_id, result: r.result, credits: r.credits, creditSystemId: r.credit_system_id, completedOn: r.completed_on,
      learning: r.learning === null ? null : (typeof r.learning === 'string' ? JSON.parse(r.learning) : r.learning) as NonCatalogueLearning,
    },
  }));
}
