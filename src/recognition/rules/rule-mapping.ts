import { Decimal } from 'decimal.js';
import type {
  AchievementPattern, Conditions, Rule, RuleItem, RuleOwner, TargetCaps,
} from '../engine/index.js';
import { engineItemId, type BlockDef, type CapsDef, type ConditionsDef, type ConversionDef, type EquivalencyDef, type PatternDef, type RuleItemDef, type RuleKind } from './rule-definition.js';

/** A published rule version as the service handles it (domain type, not a row). */
export interface RuleVersion {
  id: string;
  version: number;
  owner: RuleOwner;
  targetInstitutionId: string;
  programmeId: string | null;
  kind: RuleKind;
  definition: unknown;
  effectiveFrom: string;
  effectiveTo: string | null;
  rationale: string;
  evidence: string[];
  supersedes: number | null;
  publishedBy: string;
  publishedAt: string;
}

/** Target policy from a 'caps' rule version. */
export interface CapsPolicy { ruleId: string; version: number; programmeId: string | null; effectiveFrom: string; effectiveTo: string | null; def: CapsDef }

const d = (v: string): Decimal => new Decimal(v);

/**
 * Equal values of one rule set as one object each: credit values, and the grade, recency and level
 * conditions that rules repeat. The engine memoises per object (conversions to integer units,
 * condition checks per achievement), so a target's thousands of rules with "3 credits" and "at
 * least 60 %" are decided once per evaluation instead of once per rule. Values are never mutated.
 */
export class SharedValues {
  private readonly decimals = new Map<string, Decimal>();
  private readonly objects = new Map<string, object>();

  decimal(text: string): Decimal {
    let v = this.decimals.get(text);
    if (v === undefined) this.decimals.set(text, (v = d(text)));
    return v;
  }

  /** One copy of a plain JSON value per distinct content (keyed by its JSON text). */
  copy<T extends object>(kind: string, value: T): T {
    const key = `${kind}\u0000${JSON.stringify(value)}`;
    let v = this.objects.get(key);
    if (v === undefined) this.objects.set(key, (v = { ...value }));
    return v as T;
  }
}

function item(i: RuleItemDef, shared: SharedValues): RuleItem {
  return {
    itemId: engineItemId(i.institutionId, i.code), version: i.version === undefined ? null : String(i.version),
    institutionId: i.institutionId, credits: shared.decimal(i.credits), category: i.category,
  };
}

function conditions(c: ConditionsDef | undefined, shared: SharedValues): Conditions {
  if (!c) return {};
  const out: Conditions = {};
  if (c.minResult) out.minResult = shared.copy('minResult', c.minResult);
  if (c.recency) out.recency = shared.copy('recency', c.recency);
  if (c.targetLevel) out.targetLevel = shared.copy('level', c.targetLevel);
  if (c.reverseTargetLevel) out.reverseTargetLevel = shared.copy('level', c.reverseTargetLevel);
  if (c.allowLowerLevel !== undefined) out.allowLowerLevel = c.allowLowerLevel;
  if (c.prerequisites) out.prerequisites = c.prerequisites.map((p) => ({ ...p }));
  if (c.waiverOnly !== undefined) out.waiverOnly = c.waiverOnly;
  return out;
}

function pattern(p: PatternDef, shared: SharedValues): AchievementPattern {
  const out: AchievementPattern = {};
  if (p.kinds) out.kinds = [...p.kinds];
  if (p.institutionIds) out.institutionIds = [...p.institutionIds];
  if (p.platforms) out.platforms = [...p.platforms];
  if (p.minLevel) out.minLevel = shared.copy('level', p.minLevel);
  if (p.fieldPrefix !== undefined) out.fieldPrefix = p.fieldPrefix;
  if (p.minCredits) out.minCredits = { amount: d(p.minCredits.amount), creditSystemId: p.minCredits.creditSystemId };
  if (p.minHours !== undefined) out.minHours = d(p.minHours);
  return out;
}

/**
 * The engine's view of a published version; undefined for 'caps' (target policy, not a rule).
 *
 * Each rule type is one object literal with every field written out, optional ones as undefined,
 * and no object spread. In V8 (Node 20) a literal that spreads another object and then adds keys
 * (`{ ...base, type, sources }`) got a hidden class of its own per object: 485 of 500 rules had
 * distinct maps. The engine reads rule fields in its hottest loops, and with 100,000 rules every
 * such read was megamorphic and missed V8's stub cache.
 */
export function toEngineRule(r: RuleVersion, shared = new SharedValues()): Rule | undefined {
  if (r.kind === 'caps') return undefined;
  const def = r.definition as EquivalencyDef | BlockDef | ConversionDef;
  const programmeId = r.programmeId ?? undefined;
  const conds = conditions(def.conditions, shared);
  const maxCredits = def.maxCredits ? d(def.maxCredits) : undefined;
  if (r.kind === 'equivalency') {
    const e = def as EquivalencyDef;
    return {
      id: r.id, version: r.version, owner: r.owner, targetInstitutionId: r.targetInstitutionId, programmeId,
      effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, rationale: r.rationale, evidence: r.evidence, conditions: conds, maxCredits,
      type: 'equivalency', sources: e.sources.map((i) => item(i, shared)), targets: e.targets.map((i) => item(i, shared)), bidirectional: e.bidirectional === true,
    };
  }
  const p = def as BlockDef | ConversionDef;
  const targetItem = p.targetItem ? item(p.targetItem, shared) : undefined;
  if (r.kind === 'block') {
    return {
      id: r.id, version: r.version, owner: r.owner, targetInstitutionId: r.targetInstitutionId, programmeId,
      effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, rationale: r.rationale, evidence: r.evidence, conditions: conds, maxCredits,
      type: 'block', pattern: pattern(p.pattern, shared), credits: shared.decimal((p as BlockDef).credits), category: p.category, targetItem,
    };
  }
  return {
    id: r.id, version: r.version, owner: r.owner, targetInstitutionId: r.targetInstitutionId, programmeId,
    effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, rationale: r.rationale, evidence: r.evidence, conditions: conds, maxCredits,
    type: 'conversion', pattern: pattern(p.pattern, shared), step: d((p as ConversionDef).step), category: p.category, targetItem,
  };
}

/** '1/3' or '0.25' as an exact ratio (the engine multiplies before it divides). */
export function fraction(text: string): { numerator: Decimal; denominator: Decimal } {
  const [n, m] = text.split('/');
  return { numerator: d(n!), denominator: d(m ?? '1') };
}

export function toTargetCaps(def: CapsDef): TargetCaps {
  const caps: TargetCaps = {};
  if (def.perSourceInstitution) caps.perSourceInstitution = d(def.perSourceInstitution);
  if (def.learnerPeriod) caps.learnerPeriod = { months: def.learnerPeriod.months, max: d(def.learnerPeriod.max) };
  if (def.programme) {
    caps.programme = {
      ...(def.programme.max ? { max: d(def.programme.max) } : {}),
      ...(def.programme.fraction ? { fraction: fraction(def.programme.fraction) } : {}),
    };
  }
  return caps;
}

/**
 * The institution a bidirectional equivalency is also read back at: the one that holds every
 * source item (the engine's reverseInstitution, from the stored definition); null otherwise. Only
 * an agreement's rule is read back: reading a rule back makes the source institution grant credit,
 * which it must have agreed to (the engine applies it only while that institution is a party). An
 * institution's own bidirectional rule binds only itself, so it is never read back elsewhere.
 */
export function readBackInstitution(kind: RuleKind, definition: unknown, ownerKind: RuleOwner['kind']): string | null {
  if (kind !== 'equivalency' || ownerKind !== 'agreement') return null;
  const e = definition as EquivalencyDef;
  const first = e.sources[0]?.institutionId;
  return e.bidirectional === true && first !== undefined && e.sources.every((s) => s.institutionId === first) ? first : null;
}
