import type { CapGroup } from './caps.js';
import type { CandidateSet } from './candidates.js';
import type { Candidate, MissOutcome, Outcome } from './result-types.js';
import type { Selection } from './optimiser.js';
import type { EngineAchievement, ReviewerRef } from './types.js';

/** Why a candidate the optimiser could have taken was left out. */
export function lossOf(i: number, cands: Candidate[], groups: CapGroup[], sel: Selection): Pick<MissOutcome, 'reason' | 'explanation'> {
  const c = cands[i]!;
  const unfit = sel.unfit.get(i);
  if (unfit) return { reason: 'cap_reached', explanation: `${c.credits} credits exceed what is left of the ${unfit.label}: ${unfit.remaining}` };
  const chosen = [...sel.chosen].map((j) => cands[j]!);
  const rival = chosen.find((o) => o.achievementIds.some((a) => c.achievementIds.includes(a)));
  if (rival) return { reason: 'used_elsewhere', explanation: `${rival.achievementIds.join(' + ')} already count under rule ${rival.rule.id} v${rival.rule.version}, which yields more overall` };
  const items = new Set(chosen.flatMap((o) => o.grants.map((g) => g.targetItemId)));
  const taken = c.grants.find((g) => g.targetItemId !== undefined && items.has(g.targetItemId));
  if (taken) return { reason: 'already_satisfied', explanation: `${taken.targetItemId} is already granted from another achievement` };
  const full = groups.find((g) => g.members.includes(i)
    && g.members.filter((j) => sel.chosen.has(j)).reduce((s, j) => s.plus(cands[j]!.credits), c.credits).gt(g.remaining));
  return { reason: 'cap_reached', explanation: full ? `the ${full.label} is used up by credit that yields more overall (${full.remaining} available)` : 'another combination yields more credit' };
}

const byCreditsThenKey = (cands: Candidate[]) => (x: number, y: number): number =>
  cands[y]!.credits.comparedTo(cands[x]!.credits) || (cands[x]!.key < cands[y]!.key ? -1 : 1);

/** One outcome per achievement: match, the most useful miss reason, or maybe (send to review). */
export function outcomeFor(
  a: EngineAchievement, set: CandidateSet, groups: CapGroup[], sel: Selection, reviewer: ReviewerRef,
  byAchievement: Map<string, number[]>,
): Outcome {
  const cands = set.candidates;
  if (a.revoked) return { status: 'miss', achievementId: a.id, reason: 'revoked', explanation: 'the achievement has been revoked' };
  if (set.alreadyRecognised.has(a.id)) return { status: 'miss', achievementId: a.id, reason: 'already_recognised', explanation: 'already recognised at this target' };
  const mine = (byAchievement.get(a.id) ?? []).slice().sort(byCreditsThenKey(cands));
  const won = mine.find((i) => sel.chosen.has(i));
  if (won !== undefined) {
    const c = cands[won]!;
    return { status: 'match', achievementId: a.id, ruleId: c.rule.id, ruleVersion: c.rule.version, reverse: c.reverse, grants: c.grants, credits: c.credits, waiver: c.waiver, coSourceIds: c.achievementIds.filter((x) => x !== a.id), explanation: c.explanation };
  }
  if (mine.length > 0) {
    const c = cands[mine[0]!]!;
    return { status: 'miss', achievementId: a.id, ruleId: c.rule.id, ruleVersion: c.rule.version, ...lossOf(mine[0]!, cands, groups, sel) };
  }
  const failures = (set.failures.get(a.id) ?? []).slice().sort((x, y) =>
    x.ruleId !== y.ruleId ? (x.ruleId < y.ruleId ? -1 : 1) : y.ruleVersion - x.ruleVersion);
  const f = failures[0];
  if (f) return { status: 'miss', achievementId: a.id, reason: f.reason, ruleId: f.ruleId, ruleVersion: f.ruleVersion, explanation: `rule ${f.ruleId} v${f.ruleVersion}: ${f.text}` };
  return { status: 'maybe', achievementId: a.id, reviewer, explanation: `no published rule covers this achievement; reviewers of ${reviewer.institutionId} would evaluate it` };
}
