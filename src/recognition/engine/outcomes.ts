import { Decimal } from 'decimal.js';
import type { CapGroup } from './caps.js';
import type { CandidateSet } from './candidates.js';
import { needsReview, type Candidate, type MissOutcome, type Outcome } from './result-types.js';
import type { Selection } from './optimiser.js';
import type { EngineAchievement, ReviewerRef } from './types.js';

/** What the chosen combination uses, computed once so that explaining each loser is cheap. */
export interface LossIndex {
  cands: Candidate[]; sel: Selection;
  byAchievement: Map<string, Candidate>; items: Set<string>;
  groupsOf: Map<number, CapGroup[]>; used: Map<CapGroup, Decimal>; // used: filled lazily
}

export function lossIndex(cands: Candidate[], groups: CapGroup[], sel: Selection): LossIndex {
  const byAchievement = new Map<string, Candidate>();
  const items = new Set<string>();
  for (const j of sel.chosen) {
    for (const a of cands[j]!.achievementIds) byAchievement.set(a, cands[j]!);
    for (const g of cands[j]!.grants) if (g.targetItemId !== undefined) items.add(g.targetItemId);
  }
  const groupsOf = new Map<number, CapGroup[]>();
  for (const g of groups) {
    for (const i of g.members) {
      const list = groupsOf.get(i);
      if (list) list.push(g);
      else groupsOf.set(i, [g]);
    }
  }
  return { cands, sel, byAchievement, items, groupsOf, used: new Map() };
}

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
  if (unfit) return { reason: 'cap_reached', explanation: `${c.credits} credits exceed what is left of the ${unfit.label}: ${unfit.remaining}` };
  const rival = c.achievementIds.map((a) => x.byAchievement.get(a)).find((r) => r !== undefined);
  if (rival) return { reason: 'used_elsewhere', explanation: `${rival.achievementIds.join(' + ')} already count under rule ${rival.rule.id} v${rival.rule.version}, which yields more overall` };
  const taken = c.grants.find((g) => g.targetItemId !== undefined && x.items.has(g.targetItemId));
  if (taken) return { reason: 'already_satisfied', explanation: `${taken.targetItemId} is already granted from another achievement` };
  const full = (x.groupsOf.get(i) ?? []).find((g) => usedOf(g, x).plus(c.credits).gt(g.remaining));
  return { reason: 'cap_reached', explanation: full ? `the ${full.label} is used up by credit that yields more overall (${full.remaining} available)` : 'another combination yields more credit' };
}

// Credits compared in integer units (exact, see units.ts): Decimal#comparedTo allocates a copy per call.
const byCreditsThenKey = (cands: Candidate[], units: number[]) => (x: number, y: number): number =>
  units[y]! - units[x]! || (cands[x]!.key < cands[y]!.key ? -1 : 1);

/** One outcome per achievement: match, the most useful miss reason, or maybe (send to review). */
export function outcomeFor(
  a: EngineAchievement, set: CandidateSet, loss: LossIndex, reviewer: ReviewerRef, byAchievement: Map<string, number[]>,
): Outcome {
  const sel = loss.sel;
  const cands = set.candidates;
  if (a.revoked) return { status: 'miss', achievementId: a.id, reason: 'revoked', explanation: 'the achievement has been revoked' };
  if (set.alreadyRecognised.has(a.id)) return { status: 'miss', achievementId: a.id, reason: 'already_recognised', explanation: 'already recognised at this target' };
  const mine = (byAchievement.get(a.id) ?? []).slice().sort(byCreditsThenKey(cands, sel.units));
  const won = mine.find((i) => sel.chosen.has(i));
  if (won !== undefined) {
    const c = cands[won]!;
    return { status: 'match', achievementId: a.id, ruleId: c.rule.id, ruleVersion: c.rule.version, reverse: c.reverse, grants: c.grants, credits: c.credits, waiver: c.waiver, coSourceIds: c.achievementIds.filter((x) => x !== a.id), explanation: c.explanation };
  }
  const failures = (set.failures.get(a.id) ?? []).slice().sort((x, y) =>
    x.ruleId !== y.ruleId ? (x.ruleId < y.ruleId ? -1 : 1) : y.ruleVersion - x.ruleVersion);
  // A rule that may apply once a person compares the levels outweighs any definite miss.
  const review = failures.find(needsReview);
  if (review) {
    return {
      status: 'maybe', achievementId: a.id, reviewer, reason: review.reason, ruleId: review.ruleId, ruleVersion: review.ruleVersion,
      explanation: `rule ${review.ruleId} v${review.ruleVersion}: ${review.text}; reviewers of ${reviewer.institutionId} would decide`,
    };
  }
  if (mine.length > 0) {
    const c = cands[mine[0]!]!;
    return { status: 'miss', achievementId: a.id, ruleId: c.rule.id, ruleVersion: c.rule.version, ...lossOf(mine[0]!, loss) };
  }
  // Review reasons were handled above, so what is left is a definite miss.
  const f = failures[0] as { ruleId: string; ruleVersion: number; reason: MissOutcome['reason']; text: string } | undefined;
  if (f) return { status: 'miss', achievementId: a.id, reason: f.reason, ruleId: f.ruleId, ruleVersion: f.ruleVersion, explanation: `rule ${f.ruleId} v${f.ruleVersion}: ${f.text}` };
  return { status: 'maybe', achievementId: a.id, reviewer, explanation: `no published rule covers this achievement; reviewers of ${reviewer.institutionId} would evaluate it` };
}
