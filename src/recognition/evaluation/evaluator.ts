import { Decimal } from 'decimal.js';
import type { Db, Executor } from '../../db/database.js';
import { invalidField } from '../../errors.js';
import { findEquivalents } from '../../frameworks/framework-files.js';
import type { FrameworkService } from '../../frameworks/frameworks.service.js';
import type { GradeConversionTable, GradingScheme } from '../../frameworks/grading.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import {
  evaluate, indexRules, loadSolver, type AgreementWindow, type EngineAchievement, type EvaluationResult,
  type EvaluationInput, type PriorRecognition, type Rule, type RuleIndex, type Solver, type Target,
} from '../engine/index.js';
import { withinDates } from '../engine/dates.js';
import { DEFINITION_VALIDATORS, type CapsDef, type RuleKind } from '../rules/rule-definition.js';
import { SharedValues, toEngineRule, toTargetCaps, type RuleVersion } from '../rules/rule-mapping.js';
import { rulesForTarget } from '../rules/rules.repository.js';
import { toRuleVersion } from '../rules/rules.service.js';
import { engineNames, SourceNames } from './display-names.js';
import type { KnownReference } from './imported-achievement.js';
import { TargetRuleCache } from './rule-cache.js';

interface TargetRules {
  stamp: string; index: RuleIndex; versions: Map<string, RuleVersion>; caps: RuleVersion[]; agreements: AgreementWindow[];
  names: ReadonlyMap<string, string>; // of the target and every institution the rules name (names never change)
}
type Snapshot = Awaited<ReturnType<FrameworkService['snapshot']>>;
type Reference = Pick<Parameters<typeof evaluate>[0], 'gradingSchemes' | 'gradeConversions' | 'creditSystems' | 'referenceLevel'>;

export interface EvaluationRequest {
  achievements: EngineAchievement[];
  targetInstitutionId: string;
  programmeId?: string | null;
  date: string;
  previouslyRecognised?: PriorRecognition[];
  /** The rest of the learner's record and what the target already granted, for prerequisites. */
  held?: EvaluationInput['held'];
  /** Check the target's rule stamp before evaluating (writers); previews accept a cache ≤ ~1 s behind other instances. */
  fresh?: boolean;
  /** Detail of the evaluation-wide explanation (default 'full'); outcomes are explained in full either way. */
  explain?: EvaluationInput['explain'];
}

export interface Evaluation { result: EvaluationResult; target: Target; caps: RuleVersion | undefined; rules: Map<string, RuleVersion> }

const key = (id: string, version: number) => `${id}@${version}`;
const EMPTY_NAMES: ReadonlyMap<string, string> = new Map();

/** The institutions a rule names: those of its items, of its pattern and of its prerequisite items. */
function institutionsOf(rule: Rule, out: Set<string>): void {
  if (rule.type === 'equivalency') for (const side of [...rule.sources, ...rule.targets]) out.add(side.institutionId);
  else {
    if (rule.targetItem) out.add(rule.targetItem.institutionId);
    for (const id of rule.pattern.institutionIds ?? []) out.add(id);
  }
  for (const p of rule.conditions.prerequisites ?? []) if (p.itemId?.includes(':')) out.add(p.itemId.slice(0, p.itemId.indexOf(':')));
}

/**
 * The level of framework `to` that published mappings give for `level`, or undefined. When a level
 * maps to several (SCQF 7 and 8 both reference EQF 5, read backwards EQF 5 gives both), the lowest
 * is taken: the source is only known to reach that one.
 */
export function referencedLevel(snap: Parameters<typeof findEquivalents>[0], level: { frameworkId: string; version: string; level: number }, to: string, toVersion?: string): number | undefined {
  const r = findEquivalents(snap, level.frameworkId, level.version, level.level);
  if (!r.found) return undefined;
  let lowest: number | undefined;
  for (const e of r.equivalents) {
    if (e.framework === to && (toVersion === undefined || e.version === toVersion) && (lowest === undefined || e.level < lowest)) lowest = e.level;
  }
  return lowest;
}

/**
 * Evaluates achievements against the published rules of one target. The rule index is cached per
 * target in this instance (see TargetRuleCache for when it is rebuilt), and the framework reference
 * data the engine needs is derived once per framework snapshot.
 */
export class Evaluator {
  private readonly cache: TargetRuleCache<TargetRules>;
  private readonly reference = new WeakMap<Snapshot, Promise<Reference>>();
  private readonly known = new WeakMap<Snapshot, KnownReference>();
  private solver: Promise<Solver> | undefined;

  constructor(private readonly db: Db, private readonly frameworks: FrameworkService,
    private readonly agreements: AgreementService, private readonly homeCreditSystem: string,
    private readonly names = new SourceNames()) {
    this.cache = new TargetRuleCache(db, (x, target, stamp) => this.build(x, target, stamp));
  }

  invalidate(targetInstitutionId?: string): void {
    this.cache.invalidate(targetInstitutionId);
  }

  private async build(db: Executor, target: string, stamp: string): Promise<TargetRules> {
    // A stored definition that today's schema refuses (published before a check was added) is left
    // out: one bad rule must not make every evaluation at the target fail.
    const versions = (await rulesForTarget(db, target)).map(toRuleVersion).filter((v) => DEFINITION_VALIDATORS[v.kind as RuleKind]?.Check(v.definition) === true);
    const shared = new SharedValues();
    const engineRules = versions.flatMap((v) => toEngineRule(v, shared) ?? []);
    const institutionIds = new Set<string>([target]);
    for (const r of engineRules) institutionsOf(r, institutionIds);
    return {
      names: await this.names.of(db, institutionIds),
      stamp, index: indexRules(engineRules), versions: new Map(versions.map((v) => [key(v.id, v.version), v])),
      // Rules read back here belong to another target; only this target's caps policy applies.
      caps: versions.filter((v) => v.kind === 'caps' && v.targetInstitutionId === target), agreements: await this.agreements.windows(db),
    };
  }

  private async referenceOf(snap: Snapshot): Promise<Reference> {
    let hit = this.reference.get(snap);
    if (!hit) {
      hit = (async () => ({
        gradingSchemes: snap.gradingSchemes as GradingScheme[], gradeConversions: snap.gradeConversions as GradeConversionTable[],
        creditSystems: await this.creditSystems(snap.creditSystems.map((c) => c.id)),
        referenceLevel: (level: { frameworkId: string; version: string; level: number }, to: string, toVersion?: string) =>
          referencedLevel(snap, level, to, toVersion),
      }))();
      this.reference.set(snap, hit);
    }
    return hit;
  }

  /** The credit systems, framework versions and ISCED-F codes loaded now: what an imported credential may refer to. */
  async knownReference(): Promise<KnownReference> {
    const snap = await this.frameworks.snapshot();
    let hit = this.known.get(snap);
    if (!hit) {
      const frameworkVersions = new Map<string, string[]>();
      const loaded = (f: { id: string; version: string }) => snap.loadedAt.get(`${f.id}@${f.version}`)?.getTime() ?? 0;
      for (const f of [...snap.frameworks].sort((x, y) => loaded(x) - loaded(y))) frameworkVersions.set(f.id, [...(frameworkVersions.get(f.id) ?? []), f.version]);
      hit = { creditSystemIds: new Set(snap.creditSystems.map((c) => c.id)), frameworkVersions, iscedCodes: snap.iscedCodes };
      this.known.set(snap, hit);
    }
    return hit;
  }

  /** The caps policy in force: programme-specific first, then institution-wide; highest version. */
  private capsOn(caps: RuleVersion[], programmeId: string | null | undefined, date: string): RuleVersion | undefined {
    const live = caps.filter((c) => withinDates(date, c.effectiveFrom, c.effectiveTo));
    const pick = (list: RuleVersion[]) => list.sort((a, b) => b.version - a.version || (a.publishedAt < b.publishedAt ? 1 : -1))[0];
    return (programmeId ? pick(live.filter((c) => c.programmeId === programmeId)) : undefined) ?? pick(live.filter((c) => c.programmeId === null));
  }

  /** The caps policy a reviewer's grant is checked against (fresh: decisions are writes). */
  async capsPolicy(db: Executor, targetInstitutionId: string, programmeId: string | null, date: string): Promise<RuleVersion | undefined> {
    return this.capsOn((await this.cache.get(db, targetInstitutionId, true)).caps, programmeId, date);
  }

  /**
   * The credit system the target grants in on `date` (its caps policy's, else the home system), as
   * `evaluate` chooses it. From the cached rules: a read path, not a decision.
   */
  async grantCreditSystem(db: Executor, targetInstitutionId: string, programmeId: string | null, date: string): Promise<string> {
    const def = this.capsOn((await this.cache.get(db, targetInstitutionId, false)).caps, programmeId, date)?.definition as CapsDef | undefined;
    return def?.creditSystemId ?? this.homeCreditSystem;
  }

  async evaluate(req: EvaluationRequest, db: Executor = this.db): Promise<Evaluation> {
    const rules = await this.cache.get(db, req.targetInstitutionId, req.fresh ?? false);
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
    const reference = await this.referenceOf(await this.frameworks.snapshot());
    // The rules' institutions were named when the rules were indexed; only other sources are looked up.
    const others = new Set<string>();
    for (const a of req.achievements) if (!rules.names.has(a.sourceInstitutionId)) others.add(a.sourceInstitutionId);
    const names = engineNames(req.targetInstitutionId, rules.names, others.size ? await this.names.of(db, others) : EMPTY_NAMES);
    this.solver ??= loadSolver();
    const result = evaluate({
      achievements: req.achievements, agreements: rules.agreements, target, date: req.date,
      previouslyRecognised: req.previouslyRecognised ?? [], ...(req.held ? { held: req.held } : {}), ...reference,
      ...(req.explain ? { explain: req.explain } : {}), names,
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
