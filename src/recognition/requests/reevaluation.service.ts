import { assertActsForInstitution } from '../../auth/policy.js';
import type { Actor } from '../../auth/principal.js';
import type { Db, Executor } from '../../db/database.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import { todayOf } from '../agreements/agreements.service.js';
import type { Candidate } from '../engine/index.js';
import { learnerAchievements } from '../evaluation/achievement-inputs.js';
import { grantView, outcomeView, type OutcomeView } from '../evaluation/evaluation-view.js';
import type { Evaluator } from '../evaluation/evaluator.js';
import type { RuleService } from '../rules/rules.service.js';
import { notify, writeDecision } from './decision-writer.js';
import * as repo from './requests.repository.js';
import { priorOf } from './requests.service.js';

export interface AffectedItem {
  learnerId: string; requestId: string; itemId: string; achievementId: string; status: string;
  before: OutcomeView; after: OutcomeView;
}

interface Change { item: repo.ItemRow; after: OutcomeView; candidate: Candidate }

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * When a rule or a new version is published: which learners' open or unsuccessful items it would
 * now match, and re-evaluating them visibly (a new decision pointing to the new version, a notice).
 */
export class ReevaluationService {
  constructor(private readonly db: Db, private readonly rules: RuleService, private readonly evaluator: Evaluator,
    private readonly ledger: LedgerWriter, private readonly homeCreditSystem: string, private readonly now: () => Date) {}

  private async target(ruleId: string, actor: Actor): Promise<string> {
    const target = (await this.rules.versions(ruleId))[0]!.targetInstitutionId;
    assertActsForInstitution(actor.principal, target);
    return target;
  }

  // Items still queued, or decided without credit, or whose first evaluation was maybe/miss.
  private async candidates(db: Executor, target: string): Promise<Map<string, repo.ItemRow[]>> {
    const byLearner = new Map<string, repo.ItemRow[]>();
    for (const i of await repo.reconsiderableItems(db, target)) {
      if (i.status === 'appealed' || json<OutcomeView>(i.evaluation).status === 'match') continue;
      byLearner.set(i.learner_id, [...(byLearner.get(i.learner_id) ?? []), i]);
    }
    return byLearner;
  }

  private async changesFor(db: Executor, learnerId: string, items: repo.ItemRow[], ruleId: string, target: string): Promise<Change[]> {
    const credited = await repo.creditsOf(db, learnerId, { targetInstitutionId: target, activeOnly: true });
    const open = items.filter((i) => !credited.some((c) => c.item_id === i.id && Number(c.credits) > 0));
    if (open.length === 0) return [];
    const ids = [...new Set(open.map((i) => i.achievement_id))];
    const achievements = await learnerAchievements(db, learnerId, this.homeCreditSystem, ids);
    const request = (await repo.requestsOf(db, learnerId, [open[0]!.request_id]))[0];
    const e = await this.evaluator.evaluate({ achievements, targetInstitutionId: target, programmeId: request?.programme_id ?? null, date: todayOf(this.now()), previouslyRecognised: priorOf(credited), fresh: true }, db);
    const out: Change[] = [];
    for (const c of e.result.chosen.filter((x) => x.rule.id === ruleId)) {
      const o = e.result.outcomes.find((x) => x.achievementId === c.achievementIds[0])!;
      const item = [...open].reverse().find((i) => i.achievement_id === o.achievementId);
      if (item) out.push({ item, after: outcomeView(o), candidate: c });
    }
    return out;
  }

  async affected(ruleId: string, actor: Actor): Promise<AffectedItem[]> {
    const target = await this.target(ruleId, actor);
    const out: AffectedItem[] = [];
    for (const [learnerId, items] of await this.candidates(this.db, target)) {
      for (const ch of await this.changesFor(this.db, learnerId, items, ruleId, target)) {
        out.push({ learnerId, requestId: ch.item.request_id, itemId: ch.item.id, achievementId: ch.item.achievement_id, status: ch.item.status, before: json(ch.item.evaluation), after: ch.after });
      }
    }
    return out;
  }

  /** One transaction per learner (never across learners): new decisions, item closed, a notice. */
  async reevaluate(ruleId: string, actor: Actor): Promise<{ learners: number; items: AffectedItem[] }> {
    const target = await this.target(ruleId, actor);
    const done: AffectedItem[] = [];
    const learners = new Set<string>();
    for (const [learnerId, items] of await this.candidates(this.db, target)) {
      await this.db.transaction().execute(async (trx) => {
        const changes = await this.changesFor(trx, learnerId, items, ruleId, target);
        if (changes.length === 0) return;
        const at = this.now();
        for (const ch of changes) {
          const c = ch.candidate;
          await writeDecision(trx, this.ledger, actor, {
            learnerId, requestId: ch.item.request_id, itemId: ch.item.id, targetInstitutionId: target, programmeId: null, kind: 're-evaluation',
            outcome: 'approve', grants: c.grants.map(grantView), ruleVersions: [{ id: c.rule.id, version: c.rule.version }], reviewer: 'engine',
            reason: `re-evaluated after rule ${c.rule.id} v${c.rule.version} was published: ${c.explanation}`, evidence: c.rule.evidence,
            sources: { achievementIds: c.achievementIds, institutionIds: c.sourceInstitutionIds }, recognisedOn: todayOf(at),
          }, at);
          await repo.setItemStatus(trx, learnerId, ch.item.id, 'decided', null);
          done.push({ learnerId, requestId: ch.item.request_id, itemId: ch.item.id, achievementId: ch.item.achievement_id, status: 'decided', before: json(ch.item.evaluation), after: ch.after });
        }
        await notify(trx, { learnerId, institutionId: target, kind: 're-evaluation', subjectId: changes[0]!.item.request_id,
          message: `Rule ${ruleId} was published or revised; ${changes.length} of your items were re-evaluated and now earn credit. Earlier decisions remain on record.`,
          detail: { ruleId, items: changes.map((c) => c.item.id) } }, at);
        learners.add(learnerId);
      });
    }
    return { learners: learners.size, items: done };
  }
}
