import { Decimal } from 'decimal.js';
import { MAX_CREDITS } from '../frameworks/credit-arithmetic.js';
import type { FrameworkSnapshot } from '../frameworks/framework-snapshot.service.js';
import type { CatalogueItemInput } from './catalogue.schemas.js';
import { NON_CREDIT_BEARING_KINDS, type CatalogueKind, type LevelReference } from './catalogue.types.js';

/** One reason an item cannot be published: a stable code and the failing field (JSON pointer). */
export interface ItemProblem { code: string; pointer: string; message: string }

// Credits and notional hours must agree with the credit system's hours per credit within this
// tolerance: from half the lower bound to three times the upper. Generous on purpose: Chinese
// university credit counts contact hours (16–18 per credit) while notional hours include private
// study, typically two to three times the contact hours; anything outside is a typo, not a policy.
export const HOURS_TOLERANCE = { below: new Decimal('0.5'), above: new Decimal(3) };
export const MAX_HOURS = new Decimal(100000);

const problem = (code: string, pointer: string, message: string): ItemProblem => ({ code, pointer, message });
const places = (d: string) => (d.split('.')[1] ?? '').length;

export const isCreditBearing = (kind: CatalogueKind) => !NON_CREDIT_BEARING_KINDS.includes(kind);

/** The level reference with its version resolved (latest loaded when omitted), or a problem. */
function checkLevel(input: CatalogueItemInput, s: FrameworkSnapshot, out: ItemProblem[]): LevelReference | null {
  if (!input.level) return null;
  const { frameworkId, frameworkVersion, level } = input.level;
  const versions = s.frameworks.filter((f) => f.id === frameworkId);
  if (versions.length === 0) { out.push(problem('unknown_framework', '/level/frameworkId', `No framework "${frameworkId}" is loaded`)); return null; }
  const fw = frameworkVersion === undefined ? versions.at(-1)! : versions.find((f) => f.version === frameworkVersion);
  if (!fw) { out.push(problem('unknown_framework_version', '/level/frameworkVersion', `${frameworkId} has no loaded version "${frameworkVersion}" (loaded: ${versions.map((v) => v.version).join(', ')})`)); return null; }
  if (level > fw.levels.length) { out.push(problem('unknown_level', '/level/level', `${frameworkId} ${fw.version} has levels 1–${fw.levels.length}, not ${level}`)); return null; }
  return { frameworkId, frameworkVersion: fw.version, level };
}

function checkCredits(input: CatalogueItemInput, s: FrameworkSnapshot, out: ItemProblem[]): void {
  const bearing = isCreditBearing(input.kind);
  const cs = input.creditSystemId === undefined ? undefined : s.creditSystems.find((c) => c.id === input.creditSystemId);
  if (input.creditSystemId !== undefined && !cs) out.push(problem('unknown_credit_system', '/creditSystemId', `No credit system "${input.creditSystemId}" is loaded`));
  if (input.credits === undefined) {
    if (bearing) out.push(problem('credits_required', '/credits', `A ${input.kind} carries credits: give credits and creditSystemId`));
  } else {
    const c = new Decimal(input.credits);
    if (c.isNegative()) out.push(problem('invalid_credits', '/credits', 'Credits cannot be negative'));
    else if (c.isZero() && bearing) out.push(problem('invalid_credits', '/credits', `A ${input.kind} cannot carry zero credits`));
    else if (places(input.credits) > 2 || c.gt(MAX_CREDITS)) out.push(problem('invalid_credits', '/credits', `Credits take at most 2 decimal places and at most ${MAX_CREDITS.toString()}`));
    if (input.creditSystemId === undefined) out.push(problem('credit_system_required', '/creditSystemId', 'Credits need the credit system they are counted in'));
  }
  if (input.notionalHours !== undefined) {
    const h = new Decimal(input.notionalHours);
    if (h.isNegative() || places(input.notionalHours) > 1 || h.gt(MAX_HOURS)) out.push(problem('invalid_notional_hours', '/notionalHours', `Notional hours are 0–${MAX_HOURS.toString()} with at most one decimal place`));
  }
  checkHoursRatio(input, cs?.hoursPerCredit ?? null, out);
}

function checkHoursRatio(input: CatalogueItemInput, range: { min: string; max: string } | null, out: ItemProblem[]): void {
  if (!range || input.credits === undefined || input.notionalHours === undefined || out.length > 0) return;
  const credits = new Decimal(input.credits);
  if (credits.lte(0)) return;
  const perCredit = new Decimal(input.notionalHours).div(credits);
  const low = new Decimal(range.min).times(HOURS_TOLERANCE.below);
  const high = new Decimal(range.max).times(HOURS_TOLERANCE.above);
  if (perCredit.lt(low) || perCredit.gt(high)) {
    out.push(problem('credits_hours_mismatch', '/credits', `${input.credits} ${input.creditSystemId} credits for ${input.notionalHours} h is ${perCredit.toDecimalPlaces(1).toString()} h per credit; ${input.creditSystemId} allows ${range.min}–${range.max} (accepted ${low.toString()}–${high.toString()})`));
  }
}

function checkBundle(input: CatalogueItemInput, out: ItemProblem[]): void {
  if (input.kind !== 'micro-major') {
    if (input.components !== undefined) out.push(problem('not_a_micro_major', '/components', 'Only a micro-major has components'));
    if (input.completionRule !== undefined) out.push(problem('not_a_micro_major', '/completionRule', 'Only a micro-major has a completion rule'));
    return;
  }
  if (!input.components) { out.push(problem('components_required', '/components', 'A micro-major lists its component items')); return; }
  if (!input.completionRule) { out.push(problem('completion_rule_required', '/completionRule', 'A micro-major needs a completion rule: all, n-of or min-credits')); return; }
  input.components.forEach((c, i) => {
    if (input.components!.indexOf(c) !== i) out.push(problem('duplicate_component', `/components/${i}`, `Component ${c} is listed twice`));
  });
  const rule = input.completionRule;
  if (rule.type === 'n-of' && rule.n > input.components.length) {
    out.push(problem('unmeetable_completion_rule', '/completionRule/n', `${rule.n} of ${input.components.length} components can never be met`));
  }
  if (rule.type === 'min-credits' && !new Decimal(rule.credits).gt(0)) {
    out.push(problem('unmeetable_completion_rule', '/completionRule/credits', 'The minimum credits must be positive'));
  }
}

/**
 * Every problem the item has on its own and against the loaded frameworks (components are
 * resolved later, against the database). Returns the resolved level reference.
 */
export function validateItem(input: CatalogueItemInput, s: FrameworkSnapshot): { problems: ItemProblem[]; level: LevelReference | null } {
  const out: ItemProblem[] = [];
  if (!input.title.zh && !input.title.en) out.push(problem('title_required', '/title', 'Give a Chinese or an English title, or both'));
  const level = checkLevel(input, s, out);
  checkCredits(input, s, out);
  if (!s.gradingSchemes.some((g) => g.id === input.gradingSchemeId)) out.push(problem('unknown_grading_scheme', '/gradingSchemeId', `No grading scheme "${input.gradingSchemeId}" is loaded`));
  if (input.iscedCode !== undefined && !s.iscedCodes.has(input.iscedCode)) out.push(problem('invalid_isced_code', '/iscedCode', `${input.iscedCode} is not an ISCED-F 2013 field`));
  if (input.kind === 'mooc' && input.platform === undefined) out.push(problem('platform_required', '/platform', 'A MOOC names its platform'));
  if (input.effectiveTo !== undefined && input.effectiveTo < input.effectiveFrom) out.push(problem('invalid_effective_dates', '/effectiveTo', 'effectiveTo is before effectiveFrom'));
  (input.outcomes ?? []).forEach((o, i) => {
    if (!o.zh && !o.en) out.push(problem('invalid_outcome', `/outcomes/${i}`, 'A learning outcome needs zh or en text'));
  });
  checkBundle(input, out);
  return { problems: out, level };
}
