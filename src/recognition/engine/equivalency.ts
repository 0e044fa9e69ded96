import { Decimal } from 'decimal.js';
import { ruleInForce } from './applicability.js';
import { makeCandidate, sideMatches, type FailureLog } from './candidates.js';
import { checkConditions } from './conditions.js';
import type { EvalContext } from './context.js';
import type { Candidate, Grant } from './result-types.js';
import type { EngineAchievement, EquivalencyRule, RuleItem } from './types.js';

// Retakes of one item multiply the ways to fill a many:1 rule; past this many combinations only
// the most recent passing attempt of each item is tried (documented limit of exactness).
const MAX_COMBINATIONS = 64;

function grantsOf(items: RuleItem[], waiver: boolean): Grant[] {
  return items.map((t) => ({
    category: t.category ?? 'specified',
    credits: waiver ? new Decimal(0) : t.credits,
    targetItemId: t.itemId,
  }));
}

const recentFirst = (x: EngineAchievement, y: EngineAchievement): number =>
  x.completedOn !== y.completedOn ? (x.completedOn > y.completedOn ? -1 : 1) : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;

function combinations(options: EngineAchievement[][]): EngineAchievement[][] {
  const total = options.reduce((n, o) => n * o.length, 1);
  if (total > MAX_COMBINATIONS) return [options.map((o) => o[0]!)];
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

/** Candidates of one equivalency read in one direction: every source side must be filled. */
export function equivalencyCandidates(
  rule: EquivalencyRule, reverse: boolean, byItem: Map<string, EngineAchievement[]>, ctx: EvalContext, log: FailureLog,
): Candidate[] {
  const sides = reverse ? rule.targets : rule.sources;
  const gives = reverse ? rule.sources : rule.targets;
  const options = sides.map((side) => {
    const passing: EngineAchievement[] = [];
    for (const a of byItem.get(side.itemId) ?? NONE) {
      if (!sideMatches(side, a)) continue;
      const f = checkConditions(rule.conditions, a, ctx);
      if (f) log.add(a, rule, f);
      else passing.push(a);
    }
    return passing;
  });
  const missing = sides.filter((_, i) => options[i]!.length === 0).map((s) => s.itemId);
  if (missing.length > 0) {
    for (const a of options.flat()) {
      log.add(a, rule, { reason: 'incomplete_set', text: `rule ${rule.id} needs ${missing.join(', ')} as well` });
    }
    return [];
  }
  const out: Candidate[] = [];
  for (const combo of combinations(options)) {
    const insts = [...new Set(combo.map((a) => a.sourceInstitutionId))];
    const f = ruleInForce(rule, insts, ctx);
    if (f) combo.forEach((a) => log.add(a, rule, f));
    else out.push(makeCandidate(rule, reverse, combo, grantsOf(gives, rule.conditions.waiverOnly === true)));
  }
  return out;
}
