import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { RecognisedCredit, RecognisedCreditSource } from '../../records/recognised-credits.js';

/** Which credit system a target grants in on a date, for a programme (the evaluator's choice). */
export type GrantCreditSystem = (db: Executor, targetInstitutionId: string, programmeId: string | null, date: string) => Promise<string>;

// A grant names its target item as the engine does, `institutionId:code`; the version shown is the
// one in force on the day of recognition (else the latest). A scalar look-up by code (indexed).
const targetCatalogueItem = sql<string | null>`(select ci.id from catalogue_items ci
  where ci.code = substr(c.target_item_id, strpos(c.target_item_id, ':') + 1) and ci.institution_id::text = split_part(c.target_item_id, ':', 1)
  order by (ci.effective_from <= c.recognised_on and (ci.effective_to is null or ci.effective_to >= c.recognised_on)) desc, ci.version desc
  limit 1)`;

/**
 * Every recognised credit of one learner with the decision it came from, the ledger entries of
 * its grant and revocation (who, when) and its target catalogue item: one query, every join on the
 * learner's own keys (the catalogue is a reference table).
 */
export function creditHistoryOf(db: Executor, learnerId: string) {
  return db.selectFrom('recognised_credits as c')
    .innerJoin('recognition_decisions as d', (j) => j.onRef('d.learner_id', '=', 'c.learner_id').onRef('d.id', '=', 'c.decision_id'))
    .leftJoin('ledger_entries as g', (j) => j.onRef('g.learner_id', '=', 'c.learner_id').onRef('g.id', '=', 'c.granted_entry_id'))
    .leftJoin('ledger_entries as r', (j) => j.onRef('r.learner_id', '=', 'c.learner_id').onRef('r.id', '=', 'c.revoked_entry_id'))
    .select([
      'c.id', 'c.target_institution_id', 'c.programme_id', 'c.category', sql<string>`c.credits::text`.as('credits'), 'c.target_item_id',
      'c.source_achievement_ids', 'c.source_institution_ids', 'c.source_import_ids', 'c.source_trust_entry_ids', 'c.rule_id', 'c.rule_version', sql<string>`c.recognised_on::text`.as('recognised_on'),
      'c.granted_entry_id', 'c.revoked_at', 'c.revoked_reason', 'c.revoked_entry_id',
      'd.id as decision_id', 'd.request_id', 'd.item_id', 'd.kind', 'd.outcome', 'd.reviewer', 'd.reason', 'd.decided_at',
      'g.actor as granted_by', 'r.actor as revoked_by', targetCatalogueItem.as('target_catalogue_item_id'),
    ])
    .where('c.learner_id', '=', learnerId)
    .orderBy('c.recognised_on').orderBy('c.id')
    .execute();
}

type HistoryRow = Awaited<ReturnType<typeof creditHistoryOf>>[number];

function toCredit(r: HistoryRow, creditSystemId: string): RecognisedCredit {
  const history: RecognisedCredit['history'] = [{
    action: 'granted', at: r.decided_at.toISOString(), actor: r.granted_by ?? r.reviewer, reason: r.reason, ledgerEntryId: Number(r.granted_entry_id),
  }];
  if (r.revoked_at !== null) {
    history.push({ action: 'revoked', at: r.revoked_at.toISOString(), actor: r.revoked_by ?? 'unknown', reason: r.revoked_reason ?? '', ledgerEntryId: Number(r.revoked_entry_id) });
  }
  return {
    id: r.id, targetInstitutionId: r.target_institution_id, programmeId: r.programme_id, category: r.category, credits: r.credits, creditSystemId,
    targetItemId: r.target_item_id, catalogueItemId: r.target_catalogue_item_id, sources: { achievementIds: r.source_achievement_ids, institutionIds: r.source_institution_ids, importIds: r.source_import_ids, trustEntryIds: r.source_trust_entry_ids },
    decision: { id: r.decision_id, requestId: r.request_id, itemId: r.item_id, kind: r.kind, outcome: r.outcome, reviewer: r.reviewer },
    rule: r.rule_id === null || r.rule_version === null ? null : { id: r.rule_id, version: r.rule_version },
    recognisedOn: r.recognised_on, status: r.revoked_at === null ? 'active' : 'revoked', history,
  };
}

/** The record's view of recognised credit; the credit system comes from cached rules, one look-up per distinct target and day. */
export function recognisedCreditSource(grantSystem: GrantCreditSystem): RecognisedCreditSource {
  return async (db, learnerId) => {
    const rows = await creditHistoryOf(db, learnerId);
    const systems = new Map<string, Promise<string>>();
    const systemOf = (r: HistoryRow) => {
      const key = JSON.stringify([r.target_institution_id, r.programme_id, r.recognised_on]);
      if (!systems.has(key)) systems.set(key, grantSystem(db, r.target_institution_id, r.programme_id, r.recognised_on));
      return systems.get(key)!;
    };
    return Promise.all(rows.map(async (r) => toCredit(r, await systemOf(r))));
  };
}
