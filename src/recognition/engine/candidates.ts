import { Decimal } from 'decimal.js';
import { convertCredits } from '../../frameworks/credit-arithmetic.js';
import { ruleConcernsTarget, ruleInForce } from './applicability.js';
import { checkConditions, patternCovers, patternThresholds, type Failure } from './conditions.js';
import type { EvalContext } from './context.js';
import { withinDates } from './dates.js';
import { achievementsByItem, equivalencyCandidates } from './equivalency.js';
import { needsReview, type Candidate, type FailureReason, type Grant } from './result-types.js';
import { lookupRules, ruleKeyPrefix, type RuleIndex } from './rule-index.js';
import { achievementName, itemName } from './display.js';
import type { BlockRule, ConversionRule, EngineAchievement, EngineNames, EquivalencyRule, RuleItem } from './types.js';

export interface RuleFailure { ruleId: string; ruleVersion: number; reason: FailureReason; text: string }

/** Everything the optimiser chooses from, and why the other rules did not yield a candidate. */
export interface CandidateSet {
  candidates: Candidate[]; // sorted by key
  failures: Map<string, RuleFailure[]>; // achievement id → failures
  covered: Set<string>; // achievements some in-scope rule speaks about
  alreadyRecognised: Set<string>;
}

export const sideMatches = (side: RuleItem, a: EngineAchievement): boolean =>
  side.itemId === a.catalogueItemId && (side.version == null || side.version === a.catalogueItemVersion);

// A loop, not `sides.some((s) => sideMatches(s, a))`: no closure per (rule, achievement) look-up.
function anySideMatches(sides: RuleItem[], a: EngineAchievement): boolean {
  for (const s of sides) if (sideMatches(s, a)) return true;
  return false;
}

const sumCredits = (grants: Grant[]): Decimal =>
  grants.length === 1 ? grants[0]!.credits : grants.reduce((sum, g) => sum.plus(g.credits), new Decimal(0));

// Arrays the engine reads in its hot loops are built by push into a literal, never by map(): in V8
// `map` returns a holey array and a literal a packed one, and the first holey array reaching code
// optimised for packed ones deoptimised a dozen engine functions at once (--trace-deopt: 'wrong
// map' on `grants` and `achievementIds` reads), which showed as 3–4× slower evaluations until they
// were optimised again.
function idsOf(sources: EngineAchievement[]): string[] {
  const out: string[] = [];
  for (const s of sources) out.push(s.id);
  return out;
}

/**
 * A candidate whose explanation is written on first read (and by toJSON): most candidates of a
 * large evaluation are never shown, and formatting every one of them was a large share of an
 * evaluation's time and garbage. A class keeps one hidden class for all candidates.
 */
class LazyCandidate implements Candidate {
  readonly achievementIds: string[];
  readonly sourceInstitutionIds: string[];
  readonly credits: Decimal;
  readonly waiver: boolean;
  #text: string | undefined;
  #key: string | undefined;
  readonly #sources: EngineAchievement[];
  readonly #names: EngineNames | undefined;

  constructor(readonly rule: Candidate['rule'], readonly reverse: boolean, sources: EngineAchievement[], readonly grants: Grant[], names: EngineNames | undefined) {
    this.#sources = sources;
    this.#names = names;
    this.achievementIds = sources.length === 1 ? [sources[0]!.id] : idsOf(sources).sort();
    this.sourceInstitutionIds = sources.length === 1 ? [sources[0]!.sourceInstitutionId] : [...new Set(sources.map((s) => s.sourceInstitutionId))].sort();
    this.credits = sumCredits(grants);
    this.waiver = rule.conditions.waiverOnly === true;
  }

  /** Read by callers and JSON only: the engine orders candidates by rule rank (sortByKey). */
  get key(): string {
    return (this.#key ??= `${ruleKeyPrefix(this.rule)}${this.reverse ? 'r' : 'f'}|${this.achievementIds.join(',')}`);
  }

  get explanation(): string {
    if (this.#text === undefined) {
      const { rule } = this;
      const shown = this.grants.map((g) => `${g.credits} ${g.category}${g.targetItemId ? ` (${itemName(this.#names, g.targetItemId)})` : ''}`).join(', ');
      const sources = [...this.#sources].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)).map(achievementName);
      this.#text = `${rule.type} rule ${rule.id} v${rule.version}${this.reverse ? ' (read in reverse)' : ''}: `
        + `${sources.join(' + ')} → ${shown}${this.waiver ? ' (waiver, 0 credits)' : ''}; ${rule.rationale}`;
    }
    return this.#text;
  }

  toJSON(): Candidate {
    const { key, rule, reverse, achievementIds, sourceInstitutionIds, grants, credits, waiver, explanation } = this;
    return { key, rule, reverse, achievementIds, sourceInstitutionIds, grants, credits, waiver, explanation };
  }
}

export function makeCandidate(rule: Candidate['rule'], reverse: boolean, sources: EngineAchievement[], grants: Grant[], names: EngineNames | undefined): Candidate {
  return new LazyCandidate(rule, reverse, sources, grants, names);
}

export class FailureLog {
  readonly map = new Map<string, RuleFailure[]>();
  add(a: EngineAchievement, rule: { id: string; version: number }, f: NonNullable<Failure>): void {
    const list = this.map.get(a.id) ?? [];
    list.push({ ruleId: rule.id, ruleVersion: rule.version, ...f });
    this.map.set(a.id, list);
  }
}

function patternCredits(rule: BlockRule | ConversionRule, a: EngineAchievement, ctx: EvalContext): Decimal | NonNullable<Failure> {
  if (rule.conditions.waiverOnly) return new Decimal(0);
  if (rule.type === 'block') return rule.credits;
  if (a.creditsUnstated) return { reason: 'credits_not_stated', text: 'no credits stated in a known credit system to convert' };
  // The result depends only on these values (the target system is fixed per evaluation), and
  // learners' credit values repeat, so each distinct conversion runs once per evaluation.
  const key = `${a.creditSystemId}\u0000${a.credits}\u0000${a.notionalHours ?? ''}\u0000${rule.step}`;
  const seen = ctx.convertedCredits.get(key);
  if (seen !== undefined) return seen;
  const from = ctx.creditSystems.get(a.creditSystemId);
  if (!from) return { reason: 'below_minimum', text: `credit system ${a.creditSystemId} is unknown` };
  const hours = a.notionalHours ? { hours: a.notionalHours } : {};
  const c = convertCredits(a.credits, from, ctx.input.target.creditSystem, { step: rule.step, ...hours });
  const out = c.credits.gt(0) ? c.credits : { reason: 'below_minimum' as const, text: `converts to 0 credits: ${c.basis}` };
  ctx.convertedCredits.set(key, out);
  return out;
}

function patternCandidate(rule: BlockRule | ConversionRule, a: EngineAchievement, ctx: EvalContext, log: FailureLog): Candidate | undefined {
  const t = ruleInForce(rule, a.sourceInstitutionId, ctx) ?? patternThresholds(rule.pattern, a, ctx);
  // A level to review (from the pattern) yields to any definite failure of the conditions.
  const f = t && !needsReview(t) ? t : checkConditions(rule.conditions, a, ctx) ?? t;
  if (f) return void log.add(a, rule, f);
  const credits = patternCredits(rule, a, ctx);
  if (!Decimal.isDecimal(credits)) return void log.add(a, rule, credits);
  const item = rule.targetItem?.itemId;
  const grant: Grant = item ? { category: rule.category, credits, targetItemId: item } : { category: rule.category, credits };
  return makeCandidate(rule, false, [a], [grant], ctx.input.names);
}

// Versions of one rule id overlapping in time: the highest version in force supersedes the rest.
// Only ids indexed in several versions can be superseded; the others are kept without a look-up.
function supersede<T extends { rule: { id: string; version: number; effectiveFrom: string; effectiveTo?: string | null } }>(list: T[], date: string, versioned: ReadonlySet<string>): T[] {
  if (versioned.size === 0) return list;
  const best = new Map<string, number>();
  for (const { rule } of list) {
    if (versioned.has(rule.id) && withinDates(date, rule.effectiveFrom, rule.effectiveTo)) best.set(rule.id, Math.max(best.get(rule.id) ?? -Infinity, rule.version));
  }
  return best.size === 0 ? list : list.filter(({ rule }) => !best.has(rule.id) || best.get(rule.id) === rule.version);
}

// A target item granted earlier cannot be granted again by this evaluation.
function dropSatisfied(candidates: Candidate[], ctx: EvalContext, log: FailureLog): Candidate[] {
  const done = new Set(ctx.input.previouslyRecognised?.flatMap((p) => p.targetItemIds ?? []) ?? []);
  if (done.size === 0) return candidates;
  const byId = new Map(ctx.input.achievements.map((a) => [a.id, a]));
  return candidates.filter((c) => {
    const item = c.grants.find((g) => g.targetItemId !== undefined && done.has(g.targetItemId))?.targetItemId;
    if (item === undefined) return true;
    for (const id of c.achievementIds) log.add(byId.get(id)!, c.rule, { reason: 'already_satisfied', text: `${item} was recognised earlier` });
    return false;
  });
}

/**
 * Candidates in key order (rule id, version, direction, achievement ids) without comparing key
 * strings: each candidate's rule rank and direction, with its position below, make one number, and
 * a typed array sorts those natively. Comparing the keys (about n log n string comparisons through
 * a comparator) was an eighth of a 30-achievement preview's evaluation. Only candidates of the same
 * rule and direction, which differ in their achievements, are compared by text.
 */
function sortByKey(cands: Candidate[], rank: ReadonlyMap<Candidate['rule'], number>): Candidate[] {
  const n = cands.length;
  if (n < 2) return cands;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = cands[i]!;
    const r = rank.get(c.rule);
    if (r === undefined) throw new Error(`recognition engine: rule ${c.rule.id} v${c.rule.version} is not in the index`);
    packed[i] = ((r * 2) + (c.reverse ? 1 : 0)) * n + i; // exact: below 2^53 for any realistic rule and candidate count
  }
  packed.sort();
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) out.push(cands[packed[i]! % n]!);
  // Runs of one rule and direction: by achievement ids, as the key's tail orders them.
  for (let start = 0; start < n;) {
    const group = Math.floor(packed[start]! / n);
    let end = start + 1;
    while (end < n && Math.floor(packed[end]! / n) === group) end++;
    if (end - start > 1) {
      const run = out.slice(start, end).map((c) => ({ c, ids: c.achievementIds.join(',') }));
      run.sort((x, y) => (x.ids < y.ids ? -1 : x.ids > y.ids ? 1 : 0));
      run.forEach(({ c }, k) => { out[start + k] = c; });
    }
    start = end;
  }
  return out;
}

/** Finds every (rule, achievements) pair that could be granted, logging why others cannot. */
export function buildCandidates(index: RuleIndex, ctx: EvalContext): CandidateSet {
  const prior = new Set(ctx.input.previouslyRecognised?.flatMap((p) => p.achievementIds ?? []) ?? []);
  const live = ctx.input.achievements.filter((a) => !a.revoked && !prior.has(a.id));
  const target = ctx.input.target.institutionId;
  const log = new FailureLog();
  const covered = new Set<string>();
  // Each (rule, direction) once, in first-seen order; keyed by the rule object (one per id and
  // version in the index), so the per-achievement loop builds no key strings.
  const equivalencies: { rule: EquivalencyRule; reverse: boolean }[] = [];
  const seen = [new Set<EquivalencyRule>(), new Set<EquivalencyRule>()] as const; // forward, reverse
  const patterns: { rule: BlockRule | ConversionRule; a: EngineAchievement }[] = [];
  const note = (rule: EquivalencyRule, reverse: boolean, a: EngineAchievement): void => {
    if (!ruleConcernsTarget(rule, ctx) || !anySideMatches(reverse ? rule.targets : rule.sources, a)) return;
    covered.add(a.id);
    const done = seen[reverse ? 1 : 0];
    if (!done.has(rule)) { done.add(rule); equivalencies.push({ rule, reverse }); }
  };
  for (const a of live) {
    const hits = lookupRules(index, target, a);
    for (const rule of hits.forward) note(rule, false, a);
    for (const rule of hits.reverse) note(rule, true, a);
    for (const list of hits.pattern) {
      for (const rule of list) if (ruleConcernsTarget(rule, ctx) && patternCovers(rule.pattern, a)) patterns.push({ rule, a });
    }
  }
  const candidates: Candidate[] = [];
  const byItem = achievementsByItem(live);
  for (const { rule, reverse } of supersede(equivalencies, ctx.date, index.versioned)) equivalencyCandidates(rule, reverse, byItem, ctx, log, candidates);
  for (const { rule, a } of supersede(patterns, ctx.date, index.versioned)) {
    covered.add(a.id);
    const c = patternCandidate(rule, a, ctx, log);
    if (c) candidates.push(c);
  }
  return { candidates: dropSatisfied(sortByKey(candidates, index.rank), ctx, log), failures: log.map, covered, alreadyRecognised: new Set(ctx.input.achievements.filter((a) => prior.has(a.id)).map((a) => a.id)) };
}
