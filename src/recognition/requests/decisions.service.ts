import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import { assertActsForInstitution, assertIsLearner } from '../../auth/policy.js';
import { actorOf, type Actor } from '../../auth/principal.js';
import type { Db, Executor } from '../../db/database.js';
import { conflict, forbidden, invalidField, notFound } from '../../errors.js';
import { creditAmountProblem } from '../../frameworks/credit-arithmetic.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import { todayOf } from '../agreements/agreements.service.js';
import { learnerAchievements } from '../evaluation/achievement-inputs.js';
import { importGrantSources } from '../evaluation/import-inputs.js';
import type { SourceNames } from '../evaluation/display-names.js';
import type { OutcomeView } from '../evaluation/evaluation-view.js';
import { ruleVersionAppliesAt } from '../rules/rules.repository.js';
import { notify, writeDecision } from './decision-writer.js';
import { subjectTextOf } from './item-subjects.js';
import { assertWithinCaps, capRoom, type CapsLookup } from './grant-caps.js';
import type { RequestView } from './request-view.js';
import * as repo from './requests.repository.js';
import type { RequestService } from './requests.service.js';

export interface ReviewInput {
  outcome: 'approve' | 'partial' | 'reject'; credits?: string; category?: string; targetItemId?: string;
  reason: string; evidence?: string[]; reviewer?: string; ruleId?: string; ruleVersion?: number;
}
export interface AppealInput { reason: string; evidence: { url: string; sha256?: string; description?: string }[] }

/**
 * Who decided, as recorded on the decision. Trust model: the authenticated party is the API client
 * (an institution's system, or the operator); a `reviewer` name is declared by that client and
 * cannot be verified here. The identity therefore always carries the client id, and the name only
 * distinguishes people behind one client (the institution vouches for them, and the audit trail
 * records the client).
 */
export function reviewerIdentity(actor: Actor, reviewer: string | undefined): string {
  const who = actorOf(actor.principal);
  return reviewer === undefined ? who : `${who}/reviewer:${reviewer}`;
}

const clientOf = (identity: string): string => identity.replace(/\/reviewer:.*$/, '');

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

interface Located { request: repo.RequestRow; item: repo.ItemRow }

/** What a decision rests on; `evidence` cites an import's original by hash. */
interface Sources { achievementIds: string[]; institutionIds: string[]; importIds?: string[]; trustEntryIds?: string[]; evidence?: string }

/** Review decisions, appeals (once per item) and appeal decisions by a different reviewer. */
export class DecisionService {
  constructor(private readonly db: Db, private readonly requests: RequestService, private readonly ledger: LedgerWriter,
    private readonly homeCreditSystem: string, private readonly now: () => Date, private readonly caps: CapsLookup,
    private readonly names: SourceNames) {}

  /** What a notice says an item is about: "DAT101 数据分析 at 岭南开放大学 Lingnan Open University". */
  private async about(trx: Executor, request: repo.RequestRow, item: repo.ItemRow): Promise<string> {
    const subject = await subjectTextOf(trx, this.names, { learnerId: request.learner_id, id: item.achievement_id, kind: item.source_kind });
    return `${subject} at ${await this.names.name(trx, request.target_institution_id)}`;
  }

  private async locate(trx: Executor, requestId: string, itemId: string): Promise<Located> {
    const request = await repo.findRequest(trx, requestId);
    if (!request) throw notFound('recognition_request', requestId);
    const item = await repo.findItem(trx, request.learner_id, itemId, true);
    if (!item || item.request_id !== requestId) throw notFound('recognition_item', itemId);
    return { request, item };
  }

  private async grants(trx: Executor, request: repo.RequestRow, input: ReviewInput) {
    if (input.outcome === 'reject') return [];
    if (input.credits === undefined) throw invalidField('/body/credits', 'credits_required', 'An approval states the credits it grants ("0" for a waiver)');
    const credits = new Decimal(input.credits);
    const problem = creditAmountProblem(credits);
    if (problem) throw invalidField('/body/credits', problem.code, problem.message);
    const targetItemId = input.targetItemId === undefined ? undefined : await this.targetItem(trx, request.target_institution_id, input.targetItemId);
    return [{ category: input.category ?? 'unspecified', credits: credits.toString(), ...(targetItemId ? { targetItemId } : {}) }];
  }

  /**
   * A reviewer names the target's own catalogue item by code (or as the engine does,
   * `institutionId:code`); it must exist there, and is stored in the engine's form so that
   * "never the same target item twice" and the transcript see one identity.
   */
  private async targetItem(trx: Executor, targetInstitutionId: string, given: string): Promise<string> {
    const code = given.startsWith(`${targetInstitutionId}:`) ? given.slice(targetInstitutionId.length + 1) : given;
    if (code.includes(':') || !(await repo.catalogueCodeExists(trx, targetInstitutionId, code))) {
      throw invalidField('/body/targetItemId', 'unknown_target_item', `${given} is not an item of the target institution's catalogue (give its code)`);
    }
    return `${targetInstitutionId}:${code}`;
  }

  private async sources(trx: Executor, learnerId: string, item: repo.ItemRow): Promise<Sources> {
    const achievementId = item.achievement_id;
    if (item.source_kind === 'import') {
      const found = await importGrantSources(trx, learnerId, achievementId);
      if (!found) throw conflict('import_missing', `The source credential import ${achievementId} is not in this learner's record`);
      return found;
    }
    const [a] = await learnerAchievements(trx, learnerId, this.homeCreditSystem, [achievementId]);
    if (!a || a.revoked) throw conflict('achievement_revoked', 'The source achievement has been revoked; nothing can be granted from it');
    return { achievementIds: [a.id], institutionIds: [a.sourceInstitutionId] };
  }

  // A rejection names its source too (no credit is written from it).
  private rejected(item: repo.ItemRow): Sources {
    return item.source_kind === 'import' ? { achievementIds: [], importIds: [item.achievement_id], institutionIds: [] } : { achievementIds: [item.achievement_id], institutionIds: [] };
  }

  /** Credits granted by a person are held to the same target caps as the engine's (exact decimals). */
  private async checkCaps(trx: Executor, request: repo.RequestRow, sources: Sources, credits: Decimal, date: string): Promise<void> {
    if (credits.lte(0)) return;
    await repo.lockLearnerForCredit(trx, request.learner_id);
    const prior = await repo.creditsOf(trx, request.learner_id, { targetInstitutionId: request.target_institution_id, activeOnly: true });
    const def = await this.caps(trx, request.target_institution_id, request.programme_id, date);
    assertWithinCaps(capRoom(def, prior, [...sources.institutionIds, ...(sources.trustEntryIds ?? [])], date), credits);
  }

  /**
   * A grant must not count an achievement, or a target item, twice at one target: the learner's row
   * is locked first (as for caps), so a concurrent grant from another request cannot slip between
   * this check and the insert. Credit of this same item (an appeal's earlier grant) is not a conflict.
   */
  private async assertNotGrantedTwice(trx: Executor, request: repo.RequestRow, item: repo.ItemRow, grant: { targetItemId?: string }): Promise<void> {
    await repo.lockLearnerForCredit(trx, request.learner_id);
    const found = await repo.conflictingCredits(trx, request.learner_id, {
      targetInstitutionId: request.target_institution_id, achievementId: item.achievement_id, exceptItemId: item.id,
      ...(grant.targetItemId === undefined ? {} : { targetItemId: grant.targetItemId }),
    });
    const fromSource = found.find((c) => c.source_achievement_ids.includes(item.achievement_id) || c.source_import_ids.includes(item.achievement_id));
    if (fromSource) {
      const what = item.source_kind === 'import' ? 'Imported credential' : 'Achievement';
      throw conflict('already_recognised', `${what} ${item.achievement_id} already counts toward ${fromSource.credits} ${fromSource.category} credits at this institution (credit ${fromSource.id}, item ${fromSource.item_id}); it cannot be granted twice`, { creditId: fromSource.id });
    }
    const sameTarget = found[0];
    if (sameTarget) {
      throw conflict('target_item_already_granted', `${grant.targetItemId} was already granted to this learner (credit ${sameTarget.id}); it cannot be granted twice`, { creditId: sameTarget.id });
    }
  }

  /**
   * The appeal's reviewer must differ from the appealed decision's. Names are client-declared, so
   * when the institution has more than one reviewer client the appeal must also come from another
   * client; with a single reviewer client a different declared name is accepted (the institution
   * vouches for its people), and the operator may always decide.
   */
  private async assertDifferentReviewer(trx: Executor, institutionId: string, reviewer: string, appealed: string): Promise<void> {
    if (reviewer === appealed) throw conflict('same_reviewer', 'An appeal is decided by a different reviewer than the decision appealed');
    if (clientOf(reviewer) !== clientOf(appealed) || !reviewer.startsWith('institution:')) return;
    if (await repo.reviewerClientCount(trx, institutionId) > 1) {
      throw conflict('same_reviewer_client', 'This institution has several reviewer clients: the appeal must be decided through a different client than the decision appealed');
    }
  }

  async decide(requestId: string, itemId: string, input: ReviewInput, actor: Actor): Promise<RequestView> {
    const at = this.now();
    await this.db.transaction().execute(async (trx) => {
      const { request, item } = await this.locate(trx, requestId, itemId);
      assertActsForInstitution(actor.principal, request.target_institution_id);
      if (item.status !== 'queued') throw conflict('item_not_queued', `This item is ${item.status}, not waiting for review`);
      const evaluation = json<OutcomeView>(item.evaluation);
      const rule = input.ruleId ? { id: input.ruleId, version: input.ruleVersion ?? 1 } : evaluation.ruleId ? { id: evaluation.ruleId, version: evaluation.ruleVersion! } : undefined;
      if (input.ruleId === undefined && input.ruleVersion !== undefined) throw invalidField('/body/ruleId', 'rule_id_required', 'ruleVersion names a version of the rule given in ruleId');
      if (input.ruleId !== undefined && !(await ruleVersionAppliesAt(trx, input.ruleId, rule!.version, request.target_institution_id))) {
        throw invalidField(input.ruleVersion === undefined ? '/body/ruleId' : '/body/ruleVersion', 'unknown_rule_version',
          `Rule ${input.ruleId} has no version ${rule!.version} that applies at this institution; a decision can cite only a published rule version that does`);
      }
      const grants = await this.grants(trx, request, input);
      const sources = grants.length ? await this.sources(trx, request.learner_id, item) : this.rejected(item);
      if (grants.length) await this.assertNotGrantedTwice(trx, request, item, grants[0]!);
      await this.checkCaps(trx, request, sources, new Decimal(grants[0]?.credits ?? 0), todayOf(at));
      await writeDecision(trx, this.ledger, actor, {
        learnerId: request.learner_id, requestId, itemId, targetInstitutionId: request.target_institution_id, programmeId: request.programme_id,
        kind: 'review', outcome: input.outcome, grants, ruleVersions: rule ? [rule] : [], reviewer: reviewerIdentity(actor, input.reviewer),
        reason: input.reason, evidence: [...(input.evidence ?? []), ...(sources.evidence === undefined ? [] : [sources.evidence])], sources, recognisedOn: todayOf(at),
      }, at);
      await repo.setItemStatus(trx, request.learner_id, itemId, 'decided', null);
      await notify(trx, { learnerId: request.learner_id, institutionId: request.target_institution_id, kind: 'decision', subjectId: itemId,
        message: `Your request for ${await this.about(trx, request, item)}: ${input.outcome} (${grants[0]?.credits ?? '0'} credits): ${input.reason}`, detail: { requestId, itemId, outcome: input.outcome } }, at);
    });
    return this.requests.get(requestId, actor);
  }

  async appeal(requestId: string, itemId: string, input: AppealInput, actor: Actor): Promise<RequestView> {
    const at = this.now();
    await this.db.transaction().execute(async (trx) => {
      const { request, item } = await this.locate(trx, requestId, itemId);
      if (actor.principal.kind !== 'learner') throw forbidden('learner_only', 'Only the learner appeals');
      assertIsLearner(actor.principal, request.learner_id);
      const last = (await repo.decisionsOf(trx, request.learner_id, requestId)).filter((d) => d.item_id === itemId).at(-1);
      if (item.status === 'appealed' || (await repo.appealsOf(trx, request.learner_id, requestId)).some((a) => a.item_id === itemId)) {
        throw conflict('already_appealed', 'An item may be appealed once');
      }
      if (item.status !== 'decided' || !last) throw conflict('not_decided', 'Only a decided item can be appealed');
      if (last.outcome === 'approve') throw conflict('nothing_to_appeal', 'The item was approved in full');
      const appealId = randomUUID();
      const inserted = await repo.insertAppeal(trx, {
        learner_id: request.learner_id, id: appealId, item_id: itemId, request_id: requestId, appealed_decision_id: last.id,
        reason: input.reason, evidence: JSON.stringify(input.evidence), filed_at: at, decision_id: null,
      });
      if (!inserted) throw conflict('already_appealed', 'An item may be appealed once');
      await repo.setItemStatus(trx, request.learner_id, itemId, 'appealed', at);
      await recordWrite(trx, actor, { action: 'recognition.appeal', resourceType: 'recognition_appeal', resourceId: appealId, learnerId: request.learner_id, institutionId: request.target_institution_id }, at);
      await notify(trx, { learnerId: request.learner_id, institutionId: request.target_institution_id, kind: 'appeal', subjectId: itemId,
        message: `Appeal filed for ${await this.about(trx, request, item)}: ${input.reason}`, detail: { requestId, itemId, appealId } }, at);
    });
    return this.requests.get(requestId, actor);
  }

  async decideAppeal(requestId: string, itemId: string, input: ReviewInput, actor: Actor): Promise<RequestView> {
    const at = this.now();
    await this.db.transaction().execute(async (trx) => {
      const { request, item } = await this.locate(trx, requestId, itemId);
      assertActsForInstitution(actor.principal, request.target_institution_id);
      if (item.status !== 'appealed') throw conflict('no_open_appeal', 'This item has no open appeal');
      const appeal = (await repo.appealsOf(trx, request.learner_id, requestId)).find((a) => a.item_id === itemId)!;
      const appealed = (await repo.decisionsOf(trx, request.learner_id, requestId)).find((d) => d.id === appeal.appealed_decision_id)!;
      const reviewer = reviewerIdentity(actor, input.reviewer);
      await this.assertDifferentReviewer(trx, request.target_institution_id, reviewer, appealed.reviewer);
      const granted = (await repo.creditsOf(trx, request.learner_id, { itemIds: [itemId], activeOnly: true })).reduce((s, c) => s.plus(c.credits), new Decimal(0));
      const asked = await this.grants(trx, request, input);
      const extra = asked.length ? new Decimal(asked[0]!.credits).minus(granted) : new Decimal(0);
      if (input.outcome !== 'reject' && extra.lte(0)) throw invalidField('/body/credits', 'appeal_grants_nothing', `Upholding the appeal must grant more than the ${granted} credits already granted; reject to uphold the decision`);
      const grants = input.outcome === 'reject' ? [] : [{ ...asked[0]!, credits: extra.toString() }];
      const sources = grants.length ? await this.sources(trx, request.learner_id, item) : this.rejected(item);
      if (grants.length) await this.assertNotGrantedTwice(trx, request, item, grants[0]!);
      if (grants.length) await this.checkCaps(trx, request, sources, extra, todayOf(at));
      const { decisionId } = await writeDecision(trx, this.ledger, actor, {
        learnerId: request.learner_id, requestId, itemId, targetInstitutionId: request.target_institution_id, programmeId: request.programme_id,
        kind: 'appeal', outcome: input.outcome, grants, ruleVersions: json(appealed.rule_versions), reviewer, reason: input.reason,
        evidence: [...json<unknown[]>(appeal.evidence), ...(input.evidence ?? []), ...(sources.evidence === undefined ? [] : [sources.evidence])], sources, recognisedOn: todayOf(at),
      }, at);
      await repo.closeAppeal(trx, request.learner_id, appeal.id, decisionId);
      await repo.setItemStatus(trx, request.learner_id, itemId, 'decided', null);
      await notify(trx, { learnerId: request.learner_id, institutionId: request.target_institution_id, kind: 'appeal-decision', subjectId: itemId,
        message: `Appeal for ${await this.about(trx, request, item)} ${input.outcome === 'reject' ? 'rejected; the decision stands' : `upheld: ${extra} more credits`}: ${input.reason}`, detail: { requestId, itemId, decisionId } }, at);
    });
    return this.requests.get(requestId, actor);
  }
}
