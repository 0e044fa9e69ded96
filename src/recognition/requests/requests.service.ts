import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { LRUCache } from 'lru-cache';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import { assertActsForInstitution, assertIsLearner } from '../../auth/policy.js';
import type { Actor, Principal } from '../../auth/principal.js';
import type { Db, Executor } from '../../db/database.js';
import { decodeTimeIdCursor, toPage, type Page } from '../../db/pagination.js';
import { forbidden, invalidField, notFound } from '../../errors.js';
import { findLearner } from '../../learners/learners.repository.js';
import { canonicalCredits } from '../../records/achievement-rows.js';
import type { InstitutionService } from '../../institutions/institutions.service.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import { todayOf } from '../agreements/agreements.service.js';
import type { Candidate, EngineAchievement, Outcome, PriorRecognition } from '../engine/index.js';
import { describedAchievements, learnerAchievements, type DescribedAchievement } from '../evaluation/achievement-inputs.js';
import { evaluationView, grantView, outcomeView, type EvaluationView } from '../evaluation/evaluation-view.js';
import type { EvaluationRequest, Evaluator } from '../evaluation/evaluator.js';
import { CatalogueCache } from '../evaluation/catalogue-cache.js';
import type { SourceNames } from '../evaluation/display-names.js';
import { chosenImports, type ImportInputs } from '../evaluation/import-inputs.js';
import { grantEvidence, grantSources, NO_IMPORTS } from './record-sources.js';
import { writeDecision } from './decision-writer.js';
import { itemSubjects, subjectKey } from './item-subjects.js';
import { requestView, type RequestView } from './request-view.js';
import * as repo from './requests.repository.js';

export interface PreviewInput {
  targetInstitutionId: string; programmeId?: string; date?: string;
  learnerId?: string; achievementIds?: string[]; achievements?: DescribedAchievement[];
  /** Credential imports of the learner's own record to evaluate too (each must count for recognition). */
  importIds?: string[];
  /** 'summary' (default): the strongest few candidates not chosen and a count; 'full': every one with its reason. */
  explain?: 'summary' | 'full';
}
export interface NewRequest { targetInstitutionId: string; programmeId?: string; achievementIds?: string[]; importIds?: string[]; note?: string }

/** Earlier recognition at the target, as the engine counts it against caps and double counting. */
export function priorOf(credits: repo.CreditRow[]): PriorRecognition[] {
  return credits.filter((c) => c.revoked_at === null).map((c) => ({
    credits: new Decimal(c.credits), recognisedOn: c.recognised_on, ...(c.rule_id ? { ruleId: c.rule_id } : {}),
    // Imports count as sources like achievements do: never recognised twice at one target.
    sourceInstitutionIds: [...c.source_institution_ids, ...c.source_trust_entry_ids], achievementIds: [...c.source_achievement_ids, ...c.source_import_ids],
    ...(c.target_item_id ? { targetItemIds: [c.target_item_id] } : {}),
  }));
}

/**
 * What the learner holds beyond the achievements evaluated, for prerequisites: every live
 * achievement of the record (and its catalogue item), and target items already recognised.
 */
export function heldOf(record: EngineAchievement[], credits: repo.CreditRow[]): NonNullable<EvaluationRequest['held']> {
  const live = record.filter((a) => !a.revoked);
  return {
    achievementIds: live.map((a) => a.id),
    itemIds: [...live.flatMap((a) => (a.catalogueItemId === null ? [] : [a.catalogueItemId])),
      ...credits.flatMap((c) => (c.revoked_at === null && c.target_item_id !== null ? [c.target_item_id] : []))],
  };
}

/** The chosen achievements of a whole record, in the order asked (all of it when none are named). */
export const chosenOf = (record: EngineAchievement[], ids: string[] | undefined): EngineAchievement[] => {
  if (!ids) return record;
  const byId = new Map(record.map((a) => [a.id, a]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
};

export interface RequestSummary {
  id: string; learnerId: string; targetInstitution: { id: string; name: string | null }; programmeId: string | null; evaluatedOn: string; note: string | null; createdAt: string;
  items: { total: number; queued: number; appealed: number; decided: number }; credits: string;
}

/** Preview (no writes), requests (automatic decisions for full matches, the rest queued), reads. */
export class RequestService {
  private readonly catalogue = new CatalogueCache();
  // Institutions are never deleted, so an id once found stays valid: previews skip the query.
  private readonly knownTargets = new LRUCache<string, true>({ max: 10_000 });

  constructor(private readonly db: Db, private readonly evaluator: Evaluator, private readonly ledger: LedgerWriter,
    private readonly institutions: InstitutionService, private readonly homeCreditSystem: string, private readonly now: () => Date,
    private readonly names: SourceNames) {}

  async preview(input: PreviewInput, actor: Actor): Promise<EvaluationView> {
    await this.targetExists(input.targetInstitutionId);
    const date = input.date ?? todayOf(this.now());
    let achievements: EngineAchievement[];
    let prior: PriorRecognition[] = [];
    let held: EvaluationRequest['held'];
    if (input.achievements) {
      if (input.importIds) throw invalidField('/body/importIds', 'imports_need_own_record', 'Imported credentials are previewed by the learner on their own record, not beside described achievements');
      achievements = await describedAchievements(this.db, input.achievements, this.homeCreditSystem, this.catalogue.lookup);
      await this.checkDescribed(input.achievements, achievements);
    } else {
      const learnerId = input.learnerId ?? (actor.principal.kind === 'learner' ? actor.principal.learnerId : undefined);
      if (!learnerId) throw invalidField('/body/achievements', 'achievements_required', 'Name achievements, or preview as a learner on your own record');
      if (actor.principal.kind !== 'learner') throw forbidden('own_record_only', 'Only the learner previews against their own record; others list achievements');
      assertIsLearner(actor.principal, learnerId);
      const [record, credits] = await Promise.all([
        learnerAchievements(this.db, learnerId, this.homeCreditSystem, undefined, this.catalogue.lookup),
        repo.creditsOf(this.db, learnerId, { targetInstitutionId: input.targetInstitutionId, activeOnly: true }),
      ]);
      const imports = input.importIds ? await chosenImports(this.db, learnerId, input.importIds, await this.evaluator.knownReference()) : NO_IMPORTS;
      achievements = [...chosenOf(record, input.achievementIds), ...imports.achievements];
      prior = priorOf(credits);
      held = heldOf(record, credits);
    }
    const e = await this.evaluator.evaluate({ achievements, targetInstitutionId: input.targetInstitutionId, programmeId: input.programmeId ?? null, date, previouslyRecognised: prior, ...(held ? { held } : {}), explain: input.explain ?? 'summary' });
    return evaluationView(e, date, input.programmeId ?? null);
  }

  private async checkDescribed(list: DescribedAchievement[], resolved: EngineAchievement[]): Promise<void> {
    list.forEach((x, i) => {
      if (x.catalogueItemId && resolved[i]!.catalogueItemId === null) throw invalidField(`/body/achievements/${i}/catalogueItemId`, 'unknown_catalogue_item', `No catalogue item ${x.catalogueItemId}`);
    });
  }

  private async targetExists(id: string): Promise<void> {
    if (this.knownTargets.has(id)) return;
    await this.institutions.get(id).catch(() => { throw invalidField('/body/targetInstitutionId', 'unknown_institution', `No institution ${id}`); });
    this.knownTargets.set(id, true);
  }

  async create(learnerId: string, input: NewRequest, actor: Actor): Promise<RequestView> {
    await this.targetExists(input.targetInstitutionId);
    const ids = [...new Set(input.achievementIds ?? [])];
    if (ids.length === 0 && !input.importIds?.length) throw invalidField('/body/achievementIds', 'sources_required', 'Name at least one achievement (achievementIds) or imported credential (importIds)');
    const known = input.importIds?.length ? await this.evaluator.knownReference() : undefined;
    const at = this.now();
    const date = todayOf(at);
    const requestId = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      const record = await learnerAchievements(trx, learnerId, this.homeCreditSystem, undefined, this.catalogue.lookup);
      const achievements = chosenOf(record, ids);
      const missing = ids.findIndex((id) => !achievements.some((a) => a.id === id));
      if (missing >= 0) throw invalidField(`/body/achievementIds/${input.achievementIds!.indexOf(ids[missing]!)}`, 'unknown_achievement', `No achievement ${ids[missing]} in this learner's record`);
      const imports = known ? await chosenImports(trx, learnerId, input.importIds!, known) : NO_IMPORTS;
      achievements.push(...imports.achievements);
      const fromImport = new Set(imports.achievements.map((a) => a.id));
      await repo.lockLearnerForCredit(trx, learnerId);
      const credits = await repo.creditsOf(trx, learnerId, { targetInstitutionId: input.targetInstitutionId, activeOnly: true });
      const e = await this.evaluator.evaluate({ achievements, targetInstitutionId: input.targetInstitutionId, programmeId: input.programmeId ?? null, date,
        previouslyRecognised: priorOf(credits), held: heldOf(record, credits), fresh: true }, trx);
      // Matches are decided now; so is an achievement already recognised at this target (it cannot
      // count twice) or provided by the target itself (it counts there without recognition).
      const settled = (o: Outcome) => o.status === 'match' || refusedOutright(o) !== undefined;
      const items = e.result.outcomes.map((o) => ({
        learner_id: learnerId, id: randomUUID(), request_id: requestId, target_institution_id: input.targetInstitutionId, achievement_id: o.achievementId,
        source_kind: fromImport.has(o.achievementId) ? 'import' as const : 'achievement' as const,
        status: settled(o) ? 'decided' as const : 'queued' as const, evaluation: JSON.stringify(outcomeView(o)), queued_at: settled(o) ? null : at,
      }));
      await repo.insertRequest(trx, {
        learner_id: learnerId, id: requestId, target_institution_id: input.targetInstitutionId, programme_id: input.programmeId ?? null,
        evaluated_on: date, note: input.note ?? null, created_at: at,
      }, items);
      await recordWrite(trx, actor, { action: 'recognition.request', resourceType: 'recognition_request', resourceId: requestId, learnerId, institutionId: input.targetInstitutionId }, at);
      const itemOf = new Map(items.map((i) => [i.achievement_id, i.id]));
      for (const c of e.result.chosen) await this.decideAutomatically(trx, c, { learnerId, requestId, input, itemOf, date, actor, at, imports });
      for (const o of e.result.outcomes) {
        const refused = refusedOutright(o);
        if (refused === undefined) continue;
        const what = fromImport.has(o.achievementId) ? 'imported credential' : 'achievement';
        await writeDecision(trx, this.ledger, actor, {
          learnerId, requestId, itemId: itemOf.get(o.achievementId)!, targetInstitutionId: input.targetInstitutionId, programmeId: input.programmeId ?? null,
          kind: 'automatic', outcome: 'reject', grants: [], ruleVersions: [], reviewer: 'engine',
          reason: refused === 'already_recognised' ? `${o.explanation}: credit already granted from this ${what} cannot be granted again` : o.explanation, evidence: [],
          sources: grantSources([o.achievementId], [], imports), recognisedOn: date,
        }, at);
      }
    });
    return this.get(requestId, actor);
  }

  // A many:1 match is granted once, on the first source's item; the others record the shared grant.
  private async decideAutomatically(trx: Executor, c: Candidate, x: { learnerId: string; requestId: string; input: NewRequest; itemOf: Map<string, string>; date: string; actor: Actor; at: Date; imports: ImportInputs }) {
    const [first, ...others] = c.achievementIds;
    const sources = grantSources(c.achievementIds, c.sourceInstitutionIds, x.imports);
    for (const a of [first!, ...others]) {
      await writeDecision(trx, this.ledger, x.actor, {
        learnerId: x.learnerId, requestId: x.requestId, itemId: x.itemOf.get(a)!, targetInstitutionId: x.input.targetInstitutionId,
        programmeId: x.input.programmeId ?? null, kind: 'automatic', outcome: 'approve', grants: a === first ? c.grants.map(grantView) : [],
        ruleVersions: [{ id: c.rule.id, version: c.rule.version }], reviewer: 'engine',
        reason: a === first ? c.explanation : `counted together with ${first} under rule ${c.rule.id} v${c.rule.version}`,
        evidence: grantEvidence(c.rule.evidence, c.achievementIds, x.imports), sources, recognisedOn: x.date,
      }, x.at);
    }
  }

  async get(id: string, actor: Actor, db: Executor = this.db): Promise<RequestView> {
    const r = await repo.findRequest(db, id);
    if (!r) throw notFound('recognition_request', id);
    assertCanSeeRequest(actor.principal, r);
    const [items, decisions, appeals] = await Promise.all([repo.itemsOf(db, r.learner_id, id), repo.decisionsOf(db, r.learner_id, id), repo.appealsOf(db, r.learner_id, id)]);
    const [credits, subjects] = await Promise.all([repo.creditsOf(db, r.learner_id, { itemIds: items.map((i) => i.id) }),
      this.subjects(db, items)]);
    return requestView(r, items, decisions, appeals, credits, subjects);
  }

  /** A learner's requests, newest first, each with its items counted by status and the credit it holds now. */
  async listFor(learnerId: string, q: { limit?: number; cursor?: string }, actor: Actor): Promise<Page<RequestSummary>> {
    assertIsLearner(actor.principal, learnerId);
    const at = decodeTimeIdCursor(q.cursor);
    if (!(await findLearner(this.db, learnerId))) throw notFound('learner', learnerId);
    return this.summaries({ learnerId }, q.limit ?? 50, at);
  }

  /** The requests addressed to an institution, newest first: a registrar's history beside the queue. */
  async listAt(institutionId: string, q: { limit?: number; cursor?: string }, actor: Actor): Promise<Page<RequestSummary>> {
    assertActsForInstitution(actor.principal, institutionId);
    const at = decodeTimeIdCursor(q.cursor);
    await this.institutions.get(institutionId);
    return this.summaries({ targetInstitutionId: institutionId }, q.limit ?? 50, at);
  }

  private async summaries(of: Parameters<typeof repo.requestSummaries>[1], limit: number, at: [string, string] | undefined): Promise<Page<RequestSummary>> {
    const rows = await repo.requestSummaries(this.db, of, { limit, ...(at ? { after: [new Date(at[0]), at[1]] } : {}) });
    const names = await this.names.of(this.db, rows.map((r) => r.target_institution_id));
    return toPage(rows, limit, (r) => ({
      id: r.id, learnerId: r.learner_id, targetInstitution: { id: r.target_institution_id, name: names.get(r.target_institution_id) ?? null }, programmeId: r.programme_id,
      evaluatedOn: r.evaluated_on, note: r.note, createdAt: r.created_at.toISOString(),
      items: { total: r.total, queued: r.queued, appealed: r.appealed, decided: r.decided }, credits: canonicalCredits(r.credits)!,
    }), (r) => [r.created_at.toISOString(), r.id]);
  }

  /** The subjects of request items; an import's credits need the credit systems the bank knows (only looked up when an item is an import). */
  private async subjects(db: Executor, items: readonly { learner_id: string; achievement_id: string; source_kind: 'achievement' | 'import' }[]) {
    const known = items.some((i) => i.source_kind === 'import') ? await this.evaluator.knownReference() : undefined;
    return itemSubjects(db, this.names, items.map((i) => ({ learnerId: i.learner_id, id: i.achievement_id, kind: i.source_kind })), known);
  }

  async queue(institutionId: string, limit: number, after?: string) {
    const rows = await repo.queue(this.db, institutionId, limit, after);
    const shown = rows.slice(0, limit);
    const subjects = await this.subjects(this.db, shown);
    return {
      items: shown.map((i) => ({ id: i.id, learnerId: i.learner_id, requestId: i.request_id, achievementId: i.achievement_id, sourceKind: i.source_kind,
        subject: subjects.get(subjectKey(i.learner_id, i.achievement_id)) ?? null, status: i.status,
        evaluation: (typeof i.evaluation === 'string' ? JSON.parse(i.evaluation) : i.evaluation) as object, queuedAt: i.queued_at?.toISOString() ?? null })),
      next: rows.length > limit ? shown[shown.length - 1]!.id : null,
    };
  }
}

/**
 * Misses a reviewer could not turn into credit, so a request decides them at once (an automatic
 * rejection): the achievement already counts at this target, or the target itself provides it.
 */
function refusedOutright(o: Outcome): 'already_recognised' | 'own_institution' | undefined {
  return o.status === 'miss' && (o.reason === 'already_recognised' || o.reason === 'own_institution') ? o.reason : undefined;
}

/** The learner, the target institution's reviewers, or the operator. */
export function assertCanSeeRequest(p: Principal, r: repo.RequestRow): void {
  if (p.kind === 'learner') return assertIsLearner(p, r.learner_id);
  if (p.kind === 'institution' && !p.scopes.includes('recognition:review')) throw forbidden('insufficient_scope', 'This needs the scope recognition:review');
  assertActsForInstitution(p, r.target_institution_id);
}
