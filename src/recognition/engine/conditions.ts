import { Decimal } from 'decimal.js';
import { convertCredits } from '../../frameworks/credit-arithmetic.js';
import { compareResults, convertGrade, isValidResult } from '../../frameworks/grading.js';
import { needsReview, type FailureReason } from './result-types.js';
import type { EvalContext } from './context.js';
import { addYears } from './dates.js';
import { itemName } from './display.js';
import type { AchievementPattern, Conditions, EngineAchievement, LevelRequirement, MinResult } from './types.js';

/** Why a rule does not apply to an achievement (or only a reviewer can tell); null when it does. */
export type Failure = { reason: FailureReason; text: string } | null;

const fail = (reason: FailureReason, text: string): Failure => ({ reason, text });

// Result expressed in the rule's scheme: directly, or through a conversion table.
function resultInScheme(min: MinResult, a: EngineAchievement, ctx: EvalContext): string | undefined {
  if (a.gradingSchemeId === min.schemeId) return a.result;
  const from = ctx.schemes.get(a.gradingSchemeId);
  const table = ctx.conversions.find((t) =>
    min.conversionTableId !== undefined
      ? t.id === min.conversionTableId
      : t.from === a.gradingSchemeId && t.to === min.schemeId);
  if (!from || !table || table.from !== from.id) return undefined;
  return convertGrade(table, from, a.result);
}

export function checkGrade(min: MinResult, a: EngineAchievement, ctx: EvalContext): Failure {
  const scheme = ctx.schemes.get(min.schemeId);
  const result = resultInScheme(min, a, ctx);
  const shown = `${a.result} (${a.gradingSchemeId})`;
  if (!scheme || result === undefined || !isValidResult(scheme, result)) {
    return fail('grade_not_comparable', `result ${shown} cannot be expressed in ${min.schemeId}`);
  }
  if (compareResults(scheme, result, min.result) < 0) {
    const via = result === a.result ? '' : ` = ${result} in ${min.schemeId}`;
    return fail('grade_too_low', `result ${shown}${via} is below the minimum ${min.result}`);
  }
  return null;
}

const levelText = (l: LevelRequirement): string => `${l.frameworkId}${l.version === undefined ? '' : ` ${l.version}`} level ${l.level}`;

/**
 * Whether the achievement's level reaches `min`. Levels of another framework (or version) are
 * compared only through a published level mapping; when none exists, or the achievement has no
 * level, the answer is 'level_not_comparable' (a reviewer decides), never a match or a miss.
 */
export function levelAtLeast(a: EngineAchievement, min: LevelRequirement, ctx: EvalContext): Failure {
  if (a.level === null) return fail('level_not_comparable', `no framework level recorded; ${levelText(min)} is required`);
  const own = a.level;
  const direct = own.frameworkId === min.frameworkId && (min.version === undefined || own.version === min.version);
  const level = direct ? own.level : ctx.referenceLevel(own, min.frameworkId, min.version);
  const shown = `${own.frameworkId} ${own.version} level ${own.level}`;
  if (level === undefined) return fail('level_not_comparable', `${shown} has no published mapping to ${levelText(min)}`);
  if (level >= min.level) return null;
  return fail('level_too_low', direct ? `${shown} is below the required ${levelText(min)}`
    : `${shown} (${min.frameworkId} level ${level} by published mapping) is below the required ${levelText(min)}`);
}

/**
 * A condition's answer for one achievement, decided once per evaluation. Keyed by the condition
 * object and the achievement object, so a check builds no key: rules published through the service
 * share one object per distinct condition value (SharedValues in rule-mapping.ts), so a target's
 * rules that all ask for "60 %" or "level 6" cost one check per achievement. The answer depends
 * only on the condition, the achievement and the evaluation's context.
 */
function once<C extends object>(c: C, a: EngineAchievement, ctx: EvalContext, check: (c: C, a: EngineAchievement, ctx: EvalContext) => Failure): Failure {
  let byAchievement = ctx.checks.get(c);
  if (byAchievement === undefined) ctx.checks.set(c, (byAchievement = new Map()));
  let f = byAchievement.get(a);
  if (f === undefined) byAchievement.set(a, (f = check(c, a, ctx)));
  return f;
}

const levelCheck = (min: LevelRequirement, a: EngineAchievement, ctx: EvalContext): Failure => levelAtLeast(a, min, ctx);
const levelOnce = (a: EngineAchievement, min: LevelRequirement, ctx: EvalContext): Failure => once(min, a, ctx, levelCheck);

function checkRecency(c: NonNullable<Conditions['recency']>, a: EngineAchievement, ctx: EvalContext): Failure {
  const ref = c.referenceDate ?? ctx.date;
  const earliest = addYears(ref, -c.years);
  return a.completedOn >= earliest ? null
    : fail('too_old', `completed ${a.completedOn}, before ${earliest} (${c.years} years before ${ref})`);
}

function checkPrerequisites(pre: NonNullable<Conditions['prerequisites']>, ctx: EvalContext): Failure {
  for (const p of pre) {
    if (p.itemId !== undefined && !ctx.heldItems.has(p.itemId)) return fail('prerequisite_missing', `requires item ${itemName(ctx.input.names, p.itemId)}`);
    if (p.achievementId !== undefined && !ctx.heldAchievements.has(p.achievementId)) {
      return fail('prerequisite_missing', `requires achievement ${p.achievementId}`);
    }
  }
  return null;
}

const gradeOnce = (min: MinResult, a: EngineAchievement, ctx: EvalContext): Failure => once(min, a, ctx, checkGrade);
const recencyOnce = (c: NonNullable<Conditions['recency']>, a: EngineAchievement, ctx: EvalContext): Failure => once(c, a, ctx, checkRecency);

/** The level an achievement must reach under these conditions, in the direction the rule is read. */
export function requiredLevel(c: Conditions, reverse: boolean): LevelRequirement | undefined {
  if (c.allowLowerLevel) return undefined;
  return reverse ? c.reverseTargetLevel ?? c.targetLevel : c.targetLevel;
}

/**
 * Checks a rule's conditions on one source achievement, in a fixed order. A level only a reviewer
 * can compare is reported last, once every other condition holds: a rule that fails anyway is a
 * miss for that reason, not a question for a person.
 */
export function checkConditions(c: Conditions, a: EngineAchievement, ctx: EvalContext, reverse = false): Failure {
  const early = (c.minResult ? gradeOnce(c.minResult, a, ctx) : null) ?? (c.recency ? recencyOnce(c.recency, a, ctx) : null);
  if (early) return early;
  const min = requiredLevel(c, reverse);
  const level = min ? levelOnce(a, min, ctx) : null;
  if (level && !needsReview(level)) return level;
  return (c.prerequisites ? checkPrerequisites(c.prerequisites, ctx) : null) ?? level;
}

const listed = <T>(list: readonly T[] | undefined, value: T | null): boolean =>
  !list || list.length === 0 || (value !== null && list.includes(value));

/** Identity criteria: whether the pattern covers the achievement at all (no → not a miss). */
export function patternCovers(p: AchievementPattern, a: EngineAchievement): boolean {
  return listed(p.kinds, a.kind) && listed(p.institutionIds, a.sourceInstitutionId)
    && listed(p.platforms, a.platform)
    && (p.fieldPrefix === undefined || (a.fieldOfStudy ?? '').startsWith(p.fieldPrefix));
}

/** Threshold criteria of a covering pattern: level, credits, hours (a level to review comes last). */
export function patternThresholds(p: AchievementPattern, a: EngineAchievement, ctx: EvalContext): Failure {
  const level = p.minLevel ? levelOnce(a, p.minLevel, ctx) : null;
  if (level && !needsReview(level)) return level;
  return creditThresholds(p, a, ctx) ?? level;
}

function creditThresholds(p: AchievementPattern, a: EngineAchievement, ctx: EvalContext): Failure {
  if (p.minCredits) {
    if (a.creditsUnstated) return fail('credits_not_stated', `no credits stated in a known credit system; ${p.minCredits.amount} ${p.minCredits.creditSystemId} are required`);
    const credits = creditsIn(a, p.minCredits.creditSystemId, ctx);
    if (credits === undefined || credits.lt(p.minCredits.amount)) {
      return fail('below_minimum', `${a.credits} ${a.creditSystemId} is below ${p.minCredits.amount} ${p.minCredits.creditSystemId}`);
    }
  }
  if (p.minHours && (a.notionalHours === null || a.notionalHours.lt(p.minHours))) {
    return fail('below_minimum', `notional hours ${a.notionalHours ?? 'unknown'} below ${p.minHours}`);
  }
  return null;
}

/** The achievement's credits in another system (rounded down to 0.01), if both systems are known. */
export function creditsIn(a: EngineAchievement, systemId: string, ctx: EvalContext): Decimal | undefined {
  if (a.creditsUnstated) return undefined;
  if (a.creditSystemId === systemId) return a.credits;
  const from = ctx.creditSystems.get(a.creditSystemId);
  const to = ctx.creditSystems.get(systemId);
  if (!from || !to) return undefined;
  return convertCredits(a.credits, from, to, { step: '0.01', ...(a.notionalHours ? { hours: a.notionalHours } : {}) }).credits;
}
