import { Decimal } from 'decimal.js';
import type { EvalContext } from './context.js';
import { addMonths } from './dates.js';
import { creditsText, institutionName } from './display.js';
import type { Candidate } from './result-types.js';
import type { PriorRecognition } from './types.js';

/** A set of candidates whose credits together may not exceed `remaining`. */
export interface CapGroup {
  id: string;
  label: string;
  remaining: Decimal; // cap minus what earlier recognition already used; never negative
  members: number[]; // candidate indices
  global?: boolean; // bounds every candidate (programme or period cap)
}

const ZERO = new Decimal(0);
const sum = (list: PriorRecognition[]): Decimal => (list.length === 0 ? ZERO : list.reduce((s, p) => s.plus(p.credits), ZERO));
const left = (max: Decimal, used: Decimal): Decimal => (used.isZero() ? (max.isNegative() ? ZERO : max) : Decimal.max(max.minus(used), 0));

// The label is written on first read: an evaluation builds hundreds of groups and shows few.
class LazyGroup implements CapGroup {
  #label: (() => string) | string;
  constructor(readonly id: string, label: () => string, readonly remaining: Decimal, readonly members: number[]) { this.#label = label; }
  get label(): string {
    if (typeof this.#label === 'function') this.#label = this.#label();
    return this.#label;
  }
}

const group = (id: string, label: () => string, remaining: Decimal, members: number[]): CapGroup =>
  new LazyGroup(id, label, remaining, members);

function programmeLimit(ctx: EvalContext): { limit: Decimal; label: string } | undefined {
  const { caps, programmeTotalCredits, programmeId } = ctx.input.target;
  const p = caps?.programme;
  if (!p) return undefined;
  const limits: { limit: Decimal; label: string }[] = [];
  if (p.max) limits.push({ limit: p.max, label: `programme cap ${p.max}` });
  if (p.fraction && programmeTotalCredits) {
    const { numerator, denominator } = Decimal.isDecimal(p.fraction) ? { numerator: p.fraction, denominator: new Decimal(1) } : p.fraction;
    const limit = programmeTotalCredits.times(numerator).div(denominator);
    limits.push({ limit, label: `programme cap ${numerator}/${denominator} of ${programmeTotalCredits} = ${creditsText(limit)} (${programmeId ?? 'programme'})` });
  }
  return limits.sort((a, b) => a.limit.comparedTo(b.limit))[0];
}

// Period and programme caps both bound every candidate, so only the tighter one matters.
function globalCap(ctx: EvalContext, prior: PriorRecognition[], all: number[]): CapGroup | undefined {
  const options: CapGroup[] = [];
  const period = ctx.input.target.caps?.learnerPeriod;
  if (period) {
    const start = addMonths(ctx.date, -period.months);
    const used = sum(prior.filter((p) => p.recognisedOn > start && p.recognisedOn <= ctx.date));
    options.push({ id: 'period', label: `at most ${period.max} credits per ${period.months} months (${used} used since ${start})`, remaining: left(period.max, used), members: all });
  }
  const programme = programmeLimit(ctx);
  if (programme) {
    const used = sum(prior);
    options.push({ id: 'programme', label: `${programme.label} (${used} already recognised)`, remaining: left(programme.limit, used), members: all });
  }
  const tightest = options.sort((a, b) => a.remaining.comparedTo(b.remaining))[0];
  return tightest && { ...tightest, global: true };
}

function file(out: Map<string, number[]>, k: string, i: number): void {
  const list = out.get(k);
  if (list) list.push(i);
  else out.set(k, [i]);
}

// Candidates by rule id (rules with a cap only) and by source institution: plain loops, no key arrays per candidate.
function byCappedRule(candidates: Candidate[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < candidates.length; i++) if (candidates[i]!.rule.maxCredits) file(out, candidates[i]!.rule.id, i);
  return out;
}

function bySourceInstitution(candidates: Candidate[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < candidates.length; i++) for (const k of candidates[i]!.sourceInstitutionIds) file(out, k, i);
  return out;
}

/** Every cap that bounds some candidate, with what is left of it after earlier recognition. */
export function capGroups(candidates: Candidate[], ctx: EvalContext): CapGroup[] {
  const prior = ctx.input.previouslyRecognised ?? [];
  const groups: CapGroup[] = [];
  for (const [ruleId, members] of byCappedRule(candidates)) {
    let max = candidates[members[0]!]!.rule.maxCredits!;
    for (const i of members) if (candidates[i]!.rule.maxCredits!.lt(max)) max = candidates[i]!.rule.maxCredits!;
    const used = prior.length === 0 ? ZERO : sum(prior.filter((p) => p.ruleId === ruleId));
    groups.push(group(`rule:${ruleId}`, () => `rule ${ruleId} cap ${max} (${used} used)`, left(max, used), members));
  }
  const perInst = ctx.input.target.caps?.perSourceInstitution;
  if (perInst) {
    for (const [inst, members] of bySourceInstitution(candidates)) {
      const used = prior.length === 0 ? ZERO : sum(prior.filter((p) => p.sourceInstitutionIds?.includes(inst)));
      groups.push(group(`inst:${inst}`, () => `at most ${perInst} credits from ${institutionName(ctx.input.names, inst)} (${used} used)`, left(perInst, used), members));
    }
  }
  const global = globalCap(ctx, prior, candidates.map((_, i) => i));
  if (global) groups.push(global);
  return groups;
}
