import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { RecognisedCredit } from './extra-items.js';

/** Institution id → slug, for the ids given. */
export async function slugsOf(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('institutions').select(['id', 'slug']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.slug]));
}

export async function institutionIdBySlug(db: Executor, slug: string): Promise<string | undefined> {
  return (await db.selectFrom('institutions').select('id').where('slug', '=', slug).executeTakeFirst())?.id;
}

/**
 * Standing recognised credits granted by the awarding institution for this programme (or for
 * no programme in particular). Read from the recognition domain's table; never written here.
 */
export async function recognisedCreditsOf(db: Executor, learnerId: string, institutionId: string, programmeId: string): Promise<RecognisedCredit[]> {
  const rows = await db.selectFrom('recognised_credits')
    .select(['id', sql<string>`credits::text`.as('credits'), 'category', 'target_item_id', 'source_achievement_ids', 'source_institution_ids',
      sql<string>`recognised_on::text`.as('recognised_on'), 'programme_id', 'source_trust_entry_ids'])
    .where('learner_id', '=', learnerId).where('target_institution_id', '=', institutionId).where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('programme_id', 'is', null), eb('programme_id', '=', programmeId)]))
    .orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id, credits: r.credits, category: r.category, targetItemId: r.target_item_id,
    sourceAchievementIds: r.source_achievement_ids, sourceInstitutionIds: r.source_institution_ids, recognisedOn: r.recognised_on,
    programmeId: r.programme_id, sourceTrustEntryIds: r.source_trust_entry_ids,
  }));
}

/** Ids of the current (latest, not retired) catalogue items in a credit system: suggestion candidates. */
export async function candidateIds(db: Executor, creditSystem: string, institutionIds: string[] | undefined, limit: number): Promise<string[]> {
  let q = db.selectFrom('catalogue_items as c').select('c.id')
    .where('c.credit_system_id', '=', creditSystem).where('c.retired_at', 'is', null).where('c.credits', 'is not', null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('catalogue_items as n').select('n.version')
      .whereRef('n.institution_id', '=', 'c.institution_id').whereRef('n.code', '=', 'c.code').whereRef('n.version', '>', 'c.version'))));
  if (institutionIds) q = institutionIds.length === 0 ? q.where(sql<boolean>`false`) : q.where('c.institution_id', 'in', institutionIds);
  return (await q.orderBy('c.code').orderBy('c.id').limit(limit).execute()).map((r) => r.id);
}
