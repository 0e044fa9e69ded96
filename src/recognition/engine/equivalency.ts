import { Decimal } from 'decimal.js';
import { ruleInForce } from './applicability.js';
import { makeCandidate, sideMatches, type FailureLog } from './candidates.js';
import { checkConditions, type Failure } from './conditions.js';
import type { EvalContext } from './context.js';
import { itemName } from './display.js';
import { needsReview, type Candidate, type Grant } from './result-types.js';
import type { EngineAchievement, EquivalencyRule, RuleItem } from './types.js';

// Retakes of one item multiply the ways to fill a many:1 rule; past this many combinations only
// the most recent passing attempt of each item is tried (documented limit of exactness).
const MAX_COMBINATIONS = 64;

// By push, not map(): see idsOf in candidates.ts (packed arrays only).
function grantsOf(items: RuleItem[], waiver: boolean): Grant[] {
  const out: Grant[] = [];
  for (const t of items) out.push({ category: t.category ?? 'specified', credits: waiver ? new Decimal(0) : t.credits, targetItemId: t.itemId });
  return out;
}

const recentFirst = (x: EngineAchievement, y: EngineAchievement): number =>
  x.completedOn !== y.completedOn ? (x.completedOn > y.completedOn ? -1 : 1) : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;

function combinations(options: EngineAchievement[][]): EngineAchievement[][] {
  const total = options.reduce((n, o) => n * o.length, 1);
  if (total > MAX_COMBINATIONS) return [options.map((o) => o[0]!)];
  // One side (most rules): each passing achievement alone, no products to build or filter.
  if (options.length === 1) return options[0]!.map((a) => [a]);
  let acc: EngineAchievement[][] = [[]];
  for (const opts of options) acc = acc.flatMap((prefix) => opts.map((a) => [...prefix, a]));
  // One achievement cannot fill two sides of the same rule.
  return acc.filter((combo) => new Set(combo.map((a) => a.id)).size === combo.length);
}

/** Live achievements by catalogue item, most recent first: built once per evaluation. */
export function achievementsByItem(live: EngineAchievement[]): Map<string, EngineAchievement[]> {
  const out = new Map<string, EngineAchievement[]>();
  for (const a of live) {
    if (a.catalogueItemId === null) continue;
    const list = out.get(a.catalogueItemId);
    if (list) list.push(a);
    else out.set(a.catalogueItemId, [a]);
  }
  for (const list of out.values()) list.sort(recentFirst);
  return out;
}

const NONE: EngineAchievement[] = [];

interface SideOptions { passing: EngineAchievement[]; pending: { a: EngineAchievement; f: NonNullable<Failure> }[] }

// Achievements that can fill one side: passing every condition, or pending a reviewer's level check.
function sideOptions(side: RuleItem, rule: EquivalencyRule, reverse: boolean, byItem: Map<string, EngineAchievement[]>, ctx: EvalContext, log: FailureLog): SideOptions {
  const out: SideOptions = { passing: [], pending: [] };
  for (const a of byItem.get(side.itemId) ?? NONE) {
    if (!sideMatches(side, a)) continue;
    const f = checkConditions(rule.conditions, a, ctx, reverse);
    if (!f) out.passing.push(a);
    else if (needsReview(f)) out.pending.push({ a, f });
    else log.add(a, rule, f);
  }
  return out;
}

/**
 * Every side can be filled, but some only by achievements whose level a reviewer must compare:
 * the rule may apply, so all of them go to review (unless the rule is not in force at all).
 */
function toReview(rule: EquivalencyRule, options: SideOptions[], ctx: EvalContext, log: FailureLog): void {
  const combo = options.map((o) => o.passing[0] ?? o.pending[0]!.a);
  const off = ruleInForce(rule, [...new Set(combo.map((a) => a.sourceInstitutionId))], ctx);
  const unsure = options.flatMap((o) => (o.passing.length === 0 ? o.pending.map((p) => p.a.id) : []));
  for (const o of options) {
    for (const p of o.pending) log.add(p.a, rule, off ?? p.f);
    for (const a of o.passing) {
      log.add(a, rule, off ?? { reason: 'level_not_comparable', text: `applies only if a reviewer confirms the level of ${unsure.join(', ')}` });
    }
  }
}

/**
 * One side to fill (1:1 and 1:many rules, most of any rule set): the general path below without
 * its per-side arrays, and with one grant list per rule rather than per candidate (grants are never
 * changed once made). Same candidates and the same failures.
 */
function oneSideCandidates(
  rule: EquivalencyRule, reverse: boolean, side: RuleItem, gives: RuleItem[], byItem: Map<string, EngineAchievement[]>, ctx: EvalContext, log: FailureLog, out: Candidate[],
): void {
  const options = sideOptions(side, rule, reverse, byItem, ctx, log);
  const { passing, pending } = options;
  if (passing.length === 0) {
    if (pending.length > 0) toReview(rule, [options], ctx, log);
    return; // nothing at all: there is no achievement to tell that the rule is incomplete
  }
  for (const p of pending) log.add(p.a, rule, ruleInForce(rule, p.a.sourceInstitutionId, ctx) ?? p.f);
  // Retakes beyond MAX_COMBINATIONS: only the most recent passing attempt (see combinations).
  const n = passing.length > MAX_COMBINATIONS ? 1 : passing.length;
  let grants: Grant[] | undefined;
  for (let k = 0; k < n; k++) {
    const a = passing[k]!;
    const f = ruleInForce(rule, a.sourceInstitutionId, ctx);
    if (f) log.add(a, rule, f);
    else out.push(makeCandidate(rule, reverse, [a], (grants ??= grantsOf(gives, rule.conditions.waiverOnly === true)), ctx.input.names));
  }
}

/** Candidates of one equivalency read in one direction, appended to `out`: every source side must be filled. */
export function equivalencyCandidates(
  rule: EquivalencyRule, reverse: boolean, byItem: Map<string, EngineAchievement[]>, ctx: EvalContext, log: FailureLog, out: Candidate[],
): void {
  const sides = reverse ? rule.targets : rule.sources;
  if (sides.length === 1) return oneSideCandidates(rule, reverse, sides[0]!, reverse ? rule.sources : rule.targets, byItem, ctx, log, out);
  const gives = reverse ? rule.sources : rule.targets;
  const options = sides.map((side) => sideOptions(side, rule, reverse, byItem, ctx, log));
  const missing = sides.filter((_, i) => options[i]!.passing.length === 0 && options[i]!.pending.length === 0).map((s) => s.itemId);
  if (missing.length > 0) {
    for (const a of options.flatMap((o) => [...o.passing, ...o.pending.map((p) => p.a)])) {
      log.add(a, rule, { reason: 'incomplete_set', text: `rule ${rule.id} needs ${missing.map((m) => itemName(ctx.input.names, m)).join(', ')} as well` });
    }
    return;
  }
  if (options.some((o) => o.passing.length === 0)) {
    toReview(rule, options, ctx, log);
    return;
  }
  // A side already filled by a passing achievement: another attempt whose level is unclear is
  // still reported, so that it reaches a reviewer if nothing else uses it.
  for (const o of options) for (const p of o.pending) log.add(p.a, rule, ruleInForce(rule, p.a.sourceInstitutionId, ctx) ?? p.f);
  for (const combo of combinations(options.map((o) => o.passing))) {
    const insts = combo.length === 1 ? combo[0]!.sourceInstitutionId : [...new Set(combo.map((a) => a.sourceInstitutionId))];
    const f = ruleInForce(rule, insts, ctx);
    if (f) combo.forEach((a) => log.add(a, rule, f));
    else out.push(makeCandidate(rule, reverse, combo, grantsOf(gives, rule.conditions.waiverOnly === true), ctx.input.names));
  }
}
