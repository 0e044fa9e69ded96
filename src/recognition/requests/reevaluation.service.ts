import { assertActsForInstitution } from '../../auth/policy.js';
import type { Actor } from '../../auth/principal.js';
import type { Db, Executor } from '../../db/database.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import { todayOf } from '../agreements/agreements.service.js';
import { Decimal } from 'decimal.js';
import type { Candidate } from '../engine/index.js';
import { learnerAchievements } from '../evaluation/achievement-inputs.js';
import { grantView, outcomeView, type OutcomeView } from '../evaluation/evaluation-view.js';
import type { SourceNames } from '../evaluation/display-names.js';
import type { Evaluator } from '../evaluation/evaluator.js';
import { chosenImports } from '../evaluation/import-inputs.js';
import { readBackInstitution } from '../rules/rule-mapping.js';
import type { RuleService } from '../rules/rules.service.js';
import { notify, writeDecision } from './decision-writer.js';
import { subjectTextOf } from './item-subjects.js';
import { capRoom, type CapsLookup } from './grant-caps.js';
import * as repo from './requests.repository.js';
import { grantEvidence, grantSources, NO_IMPORTS } from './record-sources.js';
import { chosenOf, heldOf, priorOf } from './requests.service.js';

export interface AffectedItem {
  learnerId: string; requestId: string; itemId: string; achievementId: string; status: string;
  before: OutcomeView; after: OutcomeView;
}

interface Change {
  item: repo.ItemRow; after: OutcomeView; candidate: Candidate; already: Decimal; programmeId: string | null;
  sources: ReturnType<typeof grantSources>;
  evidence: string[];
}

const sum = (rows: repo.CreditRow[]) => rows.reduce((s, c) => s.plus(c.credits), new Decimal(0));

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * When a rule or a new version is published: which learners' open or unsuccessful items it would
 * now match, and re-evaluating them visibly (a new decision pointing to the new version, a notice).
 */
export class ReevaluationService {
  constructor(private readonly db: Db, private readonly rules: RuleService, private readonly evaluator: Evaluator,
    private readonly ledger: LedgerWriter, private readonly homeCreditSystem: string, private readonly now: () => Date,
    private readonly caps: CapsLookup, private readonly names: SourceNames) {}

  /**
   * The institutions where the rule applies that this actor acts for: its target and, for a
   * bidirectional equivalency read back, the institution holding its sources (latest version).
   */
  private async targets(ruleId: string, actor: Actor): Promise<string[]> {
    const versions = await this.rules.versions(ruleId);
    const latest = versions.at(-1)!;
    const where = [...new Set([latest.targetInstitutionId, ...versions.flatMap((v) => readBackInstitution(v.kind, v.definition, v.owner.kind) ?? [])])];
    const p = actor.principal;
    const mine = p.kind === 'institution' ? where.filter((i) => i === p.institutionId) : where;
    if (mine.length === 0) assertActsForInstitution(p, latest.targetInstitutionId);
    return mine;
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

  // Per request (each has its own programme). Partly credited items are reconsidered too: their own
  // credit is left out of the prior recognition so the engine can match them again, and only the
  // difference is granted (capped again at write time, see grantsFor).
  private async changesFor(db: Executor, learnerId: string, items: repo.ItemRow[], ruleId: string, target: string): Promise<Change[]> {
    const credited = await repo.creditsOf(db, learnerId, { targetInstitutionId: target, activeOnly: true });
    const record = await learnerAchievements(db, learnerId, this.homeCreditSystem);
    // Import items counted when requested; imports are never deleted and trust is not re-judged.
    const importIds = [...new Set(items.filter((i) => i.source_kind === 'import').map((i) => i.achievement_id))];
    const imports = importIds.length ? await chosenImports(db, learnerId, importIds, await this.evaluator.knownReference()) : NO_IMPORTS;
    const out: Change[] = [];
    for (const request of await repo.requestsOf(db, learnerId, [...new Set(items.map((i) => i.request_id))])) {
      const mine = items.filter((i) => i.request_id === request.id);
      const ids = new Set(mine.map((i) => i.id));
      const mineIds = new Set(mine.map((i) => i.achievement_id));
      const achievements = [...chosenOf(record, mine.filter((i) => i.source_kind !== 'import').map((i) => i.achievement_id)),
        ...imports.achievements.filter((a) => mineIds.has(a.id))];
      const others = credited.filter((c) => !ids.has(c.item_id));
      const e = await this.evaluator.evaluate({ achievements, targetInstitutionId: target, programmeId: request.programme_id, date: todayOf(this.now()),
        previouslyRecognised: priorOf(others), held: heldOf(record, others), fresh: true }, db);
      for (const c of e.result.chosen.filter((x) => x.rule.id === ruleId)) {
        const o = e.result.outcomes.find((x) => x.achievementId === c.achievementIds[0])!;
        const item = [...mine].reverse().find((i) => i.achievement_id === o.achievementId);
        if (!item) continue;
        const already = sum(credited.filter((x) => x.item_id === item.id));
        if (c.grants.reduce((t, g) => t.plus(g.credits), new Decimal(0)).gt(already)) {
          out.push({ item, after: outcomeView(o), candidate: c, already, programmeId: request.programme_id, sources: grantSources(c.achievementIds, c.sourceInstitutionIds, imports),
            evidence: grantEvidence(c.rule.evidence, c.achievementIds, imports) });
        }
      }
    }
    return out;
  }

  /** What a change grants now: the difference over what the item already has, within the target's caps. */
  private async grantsFor(trx: Executor, learnerId: string, target: string, ch: Change, date: string) {
    const all = ch.candidate.grants.map(grantView);
    const total = all.reduce((s, g) => s.plus(g.credits), new Decimal(0));
    const prior = await repo.creditsOf(trx, learnerId, { targetInstitutionId: target, activeOnly: true });
    const room = capRoom(await this.caps(trx, target, ch.programmeId, date), prior.filter((c) => c.item_id !== ch.item.id), ch.candidate.sourceInstitutionIds, date);
    const give = Decimal.min(total, room ? room.room : total).minus(ch.already);
    if (give.lte(0)) return { grants: [], full: false };
    const full = give.plus(ch.already).eq(total);
    return give.eq(total) ? { grants: all, full } : { grants: [{ ...all[0]!, credits: give.toString() }], full };
  }

  async affected(ruleId: string, actor: Actor): Promise<AffectedItem[]> {
    const out: AffectedItem[] = [];
    for (const target of await this.targets(ruleId, actor)) {
      for (const [learnerId, items] of await this.candidates(this.db, target)) {
        for (const ch of await this.changesFor(this.db, learnerId, items, ruleId, target)) {
          out.push({ learnerId, requestId: ch.item.request_id, itemId: ch.item.id, achievementId: ch.item.achievement_id, status: ch.item.status, before: json(ch.item.evaluation), after: ch.after });
        }
      }
    }
    return out;
  }

  /** At each institution where the rule applies (see targets): new decisions, items closed, notices. */
  async reevaluate(ruleId: string, actor: Actor): Promise<{ learners: number; items: AffectedItem[] }> {
    const done: AffectedItem[] = [];
    const learners = new Set<string>();
    for (const target of await this.targets(ruleId, actor)) await this.reevaluateAt(target, ruleId, actor, done, learners);
    return { learners: learners.size, items: done };
  }

  /** One transaction per learner (never across learners): new decisions, item closed, a notice. */
  private async reevaluateAt(target: string, ruleId: string, actor: Actor, done: AffectedItem[], learners: Set<string>): Promise<void> {
    for (const [learnerId, items] of await this.candidates(this.db, target)) {
      await this.db.transaction().execute(async (trx) => {
        const changes = await this.changesFor(trx, learnerId, items, ruleId, target);
        if (changes.length === 0) return;
        const at = this.now();
        await repo.lockLearnerForCredit(trx, learnerId);
        const written: string[] = [];
        const subjects: string[] = [];
        for (const ch of changes) {
          const c = ch.candidate;
          const { grants, full } = await this.grantsFor(trx, learnerId, target, ch, todayOf(at));
          if (grants.length === 0) continue;
          const added = ch.already.gt(0) ? ` (adds ${grants[0]!.credits} to the ${ch.already} already granted)` : '';
          await writeDecision(trx, this.ledger, actor, {
            learnerId, requestId: ch.item.request_id, itemId: ch.item.id, targetInstitutionId: target, programmeId: ch.programmeId, kind: 're-evaluation',
            outcome: full ? 'approve' : 'partial', grants, ruleVersions: [{ id: c.rule.id, version: c.rule.version }], reviewer: 'engine',
            reason: `re-evaluated after rule ${c.rule.id} v${c.rule.version} was published${added}: ${c.explanation}`, evidence: ch.evidence,
            sources: ch.sources, recognisedOn: todayOf(at),
          }, at);
          await repo.setItemStatus(trx, learnerId, ch.item.id, 'decided', null);
          written.push(ch.item.id);
          subjects.push(await subjectTextOf(trx, this.names, { learnerId, id: ch.item.achievement_id, kind: ch.item.source_kind }));
          done.push({ learnerId, requestId: ch.item.request_id, itemId: ch.item.id, achievementId: ch.item.achievement_id, status: 'decided', before: json(ch.item.evaluation), after: ch.after });
        }
        if (written.length === 0) return;
        await notify(trx, { learnerId, institutionId: target, kind: 're-evaluation', subjectId: changes[0]!.item.request_id,
          message: `Rule ${ruleId} was published or revised; ${written.length} of your items at ${await this.names.name(trx, target)} `
            + `${written.length === 1 ? 'was re-evaluated and now earns' : 'were re-evaluated and now earn'} (more) credit: ${subjects.join('; ')}. Earlier decisions remain on record.`,
          detail: { ruleId, items: written } }, at);
        learners.add(learnerId);
      });
    }
  }
}
