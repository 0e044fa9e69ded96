import { Decimal } from 'decimal.js';
import type { CapGroup } from './caps.js';
import type { CandidateSet, RuleFailure } from './candidates.js';
import { needsReview, type Candidate, type MissOutcome, type Outcome } from './result-types.js';
import type { Selection } from './optimiser.js';
import { achievementName, creditsText, institutionName, itemName } from './display.js';
import type { EngineAchievement, EngineNames, ReviewerRef } from './types.js';

/** What the chosen combination uses, computed once so that explaining each loser is cheap. */
export interface LossIndex {
  cands: Candidate[]; sel: Selection;
  byAchievement: Map<string, Candidate>; items: Set<string>;
  groupsOf: (CapGroup[] | undefined)[]; used: Map<CapGroup, Decimal>; // used: filled lazily
  names: EngineNames | undefined; achievementName: (id: string) => string;
}

export function lossIndex(cands: Candidate[], groups: CapGroup[], sel: Selection, achievements: EngineAchievement[], names: EngineNames | undefined): LossIndex {
  const byAchievement = new Map<string, Candidate>();
  const items = new Set<string>();
  for (const j of sel.chosen) {
    for (const a of cands[j]!.achievementIds) byAchievement.set(a, cands[j]!);
    for (const g of cands[j]!.grants) if (g.targetItemId !== undefined) items.add(g.targetItemId);
  }
  const groupsOf = new Array<CapGroup[] | undefined>(cands.length); // by candidate index, not a Map
  for (const g of groups) {
    for (const i of g.members) {
      const list = groupsOf[i];
      if (list) list.push(g);
      else groupsOf[i] = [g];
    }
  }
  // Only a loser's explanation names achievements: the look-up table is built on first need.
  let byId: Map<string, EngineAchievement> | undefined;
  const nameOf = (id: string): string => {
    byId ??= new Map(achievements.map((a) => [a.id, a]));
    const a = byId.get(id);
    return a ? achievementName(a) : id;
  };
  return { cands, sel, byAchievement, items, groupsOf, used: new Map(), names, achievementName: nameOf };
}

const NO_GROUPS: CapGroup[] = [];

// What the chosen combination uses of a cap, summed on first need: only losers ask.
function usedOf(g: CapGroup, x: LossIndex): Decimal {
  let sum = x.used.get(g);
  if (sum === undefined) {
    sum = new Decimal(0);
    for (const i of g.members) if (x.sel.chosen.has(i)) sum = sum.plus(x.cands[i]!.credits);
    x.used.set(g, sum);
  }
  return sum;
}

/** Why a candidate the optimiser could have taken was left out. */
export function lossOf(i: number, x: LossIndex): Pick<MissOutcome, 'reason' | 'explanation'> {
  const c = x.cands[i]!;
  const unfit = x.sel.unfit.get(i);
  if (unfit) return { reason: 'cap_reached', explanation: `${c.credits} credits exceed what is left of the ${unfit.label}: ${creditsText(unfit.remaining)}` };
  const rival = c.achievementIds.map((a) => x.byAchievement.get(a)).find((r) => r !== undefined);
  if (rival) return { reason: 'used_elsewhere', explanation: `${rival.achievementIds.map(x.achievementName).join(' + ')} already count under rule ${rival.rule.id} v${rival.rule.version}, which yields more overall` };
  const taken = c.grants.find((g) => g.targetItemId !== undefined && x.items.has(g.targetItemId));
  if (taken) return { reason: 'already_satisfied', explanation: `${itemName(x.names, taken.targetItemId!)} is already granted from another achievement` };
  const full = (x.groupsOf[i] ?? NO_GROUPS).find((g) => usedOf(g, x).plus(c.credits).gt(g.remaining));
  return { reason: 'cap_reached', explanation: full ? `the ${full.label} is used up by credit that yields more overall (${creditsText(full.remaining)} available)` : 'another combination yields more credit' };
}

// Most credit first, then key: `cands` is in key order, so a lower index is a lower key. Credits
// are compared in integer units (exact, see units.ts): Decimal#comparedTo allocates a copy per call.
const creditsThenKey = (units: number[], x: number, y: number): number => units[y]! - units[x]! || x - y;

// By rule id, then highest version first.
const ruleOrder = (x: RuleFailure, y: RuleFailure): number =>
  x.ruleId !== y.ruleId ? (x.ruleId < y.ruleId ? -1 : 1) : y.ruleVersion - x.ruleVersion;

/**
 * The first element of `list` in `order` among those passing `keep`: what a stable sort followed
 * by find would return (the earliest of equals wins), in one pass and without copying the list.
 */
function firstBy<T, S extends T>(list: readonly T[], order: (x: T, y: T) => number, keep: (x: T) => x is S): S | undefined;
function firstBy<T>(list: readonly T[], order: (x: T, y: T) => number): T | undefined;
function firstBy<T>(list: readonly T[], order: (x: T, y: T) => number, keep: (x: T) => boolean = () => true): T | undefined {
  let best: T | undefined;
  for (const x of list) if (keep(x) && (best === undefined || order(x, best) < 0)) best = x;
  return best;
}

const reviewersOf = (loss: LossIndex, reviewer: ReviewerRef): string => `reviewers of ${institutionName(loss.names, reviewer.institutionId)}`;

/** One outcome per achievement: match, the most useful miss reason, or maybe (send to review). */
export function outcomeFor(
  a: EngineAchievement, set: CandidateSet, loss: LossIndex, reviewer: ReviewerRef, byAchievement: Map<string, number[]>, target: string,
): Outcome {
  const sel = loss.sel;
  const cands = set.candidates;
  if (a.revoked) return { status: 'miss', achievementId: a.id, reason: 'revoked', explanation: 'the achievement has been revoked' };
  if (set.alreadyRecognised.has(a.id)) return { status: 'miss', achievementId: a.id, reason: 'already_recognised', explanation: 'already recognised at this target' };
  const mine = byAchievement.get(a.id) ?? [];
  // At most one candidate of an achievement is chosen (they all conflict), so any chosen one is the winner.
  const won = mine.find((i) => sel.chosen.has(i));
  if (won !== undefined) {
    const c = cands[won]!;
    return { status: 'match', achievementId: a.id, ruleId: c.rule.id, ruleVersion: c.rule.version, reverse: c.reverse, grants: c.grants, credits: c.credits, waiver: c.waiver, coSourceIds: c.achievementIds.filter((x) => x !== a.id), explanation: c.explanation };
  }
  const failures = set.failures.get(a.id) ?? [];
  // A rule that may apply once a person compares the levels outweighs any definite miss.
  const review = firstBy(failures, ruleOrder, needsReview);
  if (review) {
    return {
      status: 'maybe', achievementId: a.id, reviewer, reason: review.reason, ruleId: review.ruleId, ruleVersion: review.ruleVersion,
      explanation: `rule ${review.ruleId} v${review.ruleVersion}: ${review.text}; ${reviewersOf(loss, reviewer)} would decide`,
    };
  }
  if (mine.length > 0) {
    const strongest = firstBy(mine, (x, y) => creditsThenKey(sel.units, x, y))!;
    const c = cands[strongest]!;
    return { status: 'miss', achievementId: a.id, ruleId: c.rule.id, ruleVersion: c.rule.version, ...lossOf(strongest, loss) };
  }
  // Review reasons were handled above, so what is left is a definite miss.
  const f = firstBy(failures, ruleOrder) as { ruleId: string; ruleVersion: number; reason: MissOutcome['reason']; text: string } | undefined;
  if (f) return { status: 'miss', achievementId: a.id, reason: f.reason, ruleId: f.ruleId, ruleVersion: f.ruleVersion, explanation: `rule ${f.ruleId} v${f.ruleVersion}: ${f.text}` };
  // The target's own learning that none of its rules maps (as a renumbered course's would be) is
  // not for its reviewers: it already counts there.
  if (a.sourceInstitutionId === target) {
    return { status: 'miss', achievementId: a.id, reason: 'own_institution', explanation: 'provided by the target institution itself, and no rule of its own maps it: it counts there directly, without recognition' };
  }
  return { status: 'maybe', achievementId: a.id, reviewer, explanation: `no published rule covers this achievement; ${reviewersOf(loss, reviewer)} would evaluate it` };
}
