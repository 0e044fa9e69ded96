import { Decimal } from 'decimal.js';
import type { Db, Executor } from '../../db/database.js';
import { invalidField } from '../../errors.js';
import { findEquivalents } from '../../frameworks/framework-files.js';
import type { FrameworkService } from '../../frameworks/frameworks.service.js';
import type { GradeConversionTable, GradingScheme } from '../../frameworks/grading.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import {
  evaluate, indexRules, loadSolver, type AgreementWindow, type EngineAchievement, type EvaluationResult,
  type PriorRecognition, type RuleIndex, type Solver, type Target,
} from '../engine/index.js';
import { withinDates } from '../engine/dates.js';
import type { CapsDef } from '../rules/rule-definition.js';
import { toEngineRule, toTargetCaps, type RuleVersion } from '../rules/rule-mapping.js';
import { rulesForTarget, ruleStamp } from '../rules/rules.repository.js';
import { toRuleVersion } from '../rules/rules.service.js';

interface TargetRules { stamp: string; index: RuleIndex; versions: Map<string, RuleVersion>; caps: RuleVersion[]; agreements: AgreementWindow[] }

export interface EvaluationRequest {
  achievements: EngineAchievement[];
  targetInstitutionId: string;
  programmeId?: string | null;
  date: string;
  previouslyRecognised?: PriorRecognition[];
}

export interface Evaluation { result: EvaluationResult; target: Target; caps: RuleVersion | undefined; rules: Map<string, RuleVersion> }

const key = (id: string, version: number) => `${id}@${version}`;

/**
 * Evaluates achievements against the published rules of one target. The rule index is cached per
 * target in this instance and rebuilt when the target's rule count or the agreements' change stamp
 * moves (one cheap query), so a publication on another instance is seen on the next evaluation.
 */
export class Evaluator {
  // One in-flight build per target and stamp: concurrent first requests share it.
  private readonly cache = new Map<string, { stamp: string; rules: Promise<TargetRules> }>();
  private solver: Promise<Solver> | undefined;

  constructor(private readonly db: Db, private readonly frameworks: FrameworkService,
    private readonly agreements: AgreementService, private readonly homeCreditSystem: string) {}

  invalidate(targetInstitutionId?: string): void {
    if (targetInstitutionId === undefined) this.cache.clear();
    else this.cache.delete(targetInstitutionId);
  }

  private async rulesOf(db: Executor, target: string): Promise<TargetRules> {
    const stamp = await ruleStamp(db, target);
    const hit = this.cache.get(target);
    if (hit && hit.stamp === stamp) return hit.rules;
    const rules = this.build(db, target, stamp);
    this.cache.set(target, { stamp, rules });
    rules.catch(() => { if (this.cache.get(target)?.rules === rules) this.cache.delete(target); });
    return rules;
  }

  private async build(db: Executor, target: string, stamp: string): Promise<TargetRules> {
    const versions = (await rulesForTarget(db, target)).map(toRuleVersion);
    const engineRules = versions.flatMap((v) => toEngineRule(v) ?? []);
    return {
      stamp, index: indexRules(engineRules), versions: new Map(versions.map((v) => [key(v.id, v.version), v])),
      caps: versions.filter((v) => v.kind === 'caps'), agreements: await this.agreements.windows(db),
    };
  }

  /** The caps policy in force: programme-specific first, then institution-wide; highest version. */
  private capsOn(caps: RuleVersion[], programmeId: string | null | undefined, date: string): RuleVersion | undefined {
    const live = caps.filter((c) => withinDates(date, c.effectiveFrom, c.effectiveTo));
    const pick = (list: RuleVersion[]) => list.sort((a, b) => b.version - a.version || (a.publishedAt < b.publishedAt ? 1 : -1))[0];
    return (programmeId ? pick(live.filter((c) => c.programmeId === programmeId)) : undefined) ?? pick(live.filter((c) => c.programmeId === null));
  }

  async evaluate(req: EvaluationRequest, db: Executor = this.db): Promise<Evaluation> {
    const rules = await this.rulesOf(db, req.targetInstitutionId);
    const capsRule = this.capsOn(rules.caps, req.programmeId, req.date);
    const def = capsRule?.definition as CapsDef | undefined;
    const systemId = def?.creditSystemId ?? this.homeCreditSystem;
    const creditSystem = await this.frameworks.convertible(systemId);
    if (!creditSystem) throw invalidField('/body/targetInstitutionId', 'target_credit_system_unknown', `The target's credit system ${systemId} cannot be used`);
    const target: Target = {
      institutionId: req.targetInstitutionId, creditSystem,
      ...(req.programmeId ? { programmeId: req.programmeId } : {}),
      ...(def?.programmeTotalCredits ? { programmeTotalCredits: new Decimal(def.programmeTotalCredits) } : {}),
      ...(def ? { caps: toTargetCaps(def) } : {}),
    };
    const snap = await this.frameworks.snapshot();
    this.solver ??= loadSolver();
    const result = evaluate({
      achievements: req.achievements, agreements: rules.agreements, target, date: req.date,
      previouslyRecognised: req.previouslyRecognised ?? [],
      gradingSchemes: snap.gradingSchemes as GradingScheme[], gradeConversions: snap.gradeConversions as GradeConversionTable[],
      creditSystems: await this.creditSystems(snap.creditSystems.map((c) => c.id)),
      referenceLevel: (level, to) => {
        const r = findEquivalents(snap, level.frameworkId, level.version, level.level);
        return r.found ? r.equivalents.find((e) => e.framework === to && e.via === 'direct')?.level : undefined;
      },
    }, rules.index, await this.solver);
    return { result, target, caps: capsRule, rules: rules.versions };
  }

  private async creditSystems(ids: string[]) {
    const out = [];
    for (const id of ids) {
      const cs = await this.frameworks.convertible(id);
      if (cs) out.push(cs);
    }
    return out;
  }
}
