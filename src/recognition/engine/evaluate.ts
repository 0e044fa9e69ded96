import { Decimal } from 'decimal.js';
import { buildCandidates } from './candidates.js';
import { capGroups, type CapGroup } from './caps.js';
import { buildContext } from './context.js';
import { creditsText } from './display.js';
import { optimise, type Selection } from './optimiser.js';
import { lossIndex, lossOf, outcomeFor, type LossIndex } from './outcomes.js';
import type { Candidate, EvaluationResult, Outcome } from './result-types.js';
import type { RuleIndex } from './rule-index.js';
import type { Solver } from './solver.js';
import type { EvaluationInput } from './types.js';

// Defence in depth: the solver works in floats, so its choice is re-checked in exact decimals.
// Each id remembers the chosen candidate that used it, so one candidate naming an id twice is fine.
function assertFeasible(cands: Candidate[], groups: CapGroup[], sel: Selection): void {
  const achievements = new Map<string, number>();
  const items = new Map<string, number>();
  const use = (seen: Map<string, number>, id: string, i: number, prefix: string): void => {
    const by = seen.get(id);
    if (by !== undefined && by !== i) throw new Error(`recognition optimiser: ${prefix}:${id} used twice`);
    seen.set(id, i);
  };
  for (const i of sel.chosen) {
    const c = cands[i]!;
    for (const a of c.achievementIds) use(achievements, a, i, 'a');
    for (const g of c.grants) if (g.targetItemId) use(items, g.targetItemId, i, 't');
  }
  for (const g of groups) {
    let used: Decimal | undefined;
    for (const i of g.members) if (sel.chosen.has(i)) used = used ? used.plus(cands[i]!.credits) : cands[i]!.credits;
    if (used?.gt(g.remaining)) throw new Error(`recognition optimiser: ${g.id} exceeded`);
  }
}

/** How many caps, solver notes and candidates not chosen a summary explanation spells out. */
export const SUMMARY_LINES = 3;

const more = (n: number, what: string): string[] =>
  (n > 0 ? [`… and ${n} more ${what} (the full explanation lists each)`] : []);

// The `limit` strongest candidates not chosen (most credit, then key: `cands` is in key order),
// found in one pass so that a summary costs no sort of every loser.
function strongestLosers(cands: Candidate[], sel: Selection, limit: number): { top: number[]; count: number } {
  const top: number[] = [];
  let count = 0;
  for (let i = 0; i < cands.length; i++) {
    if (sel.chosen.has(i)) continue;
    count++;
    let k = top.length;
    while (k > 0 && sel.units[i]! > sel.units[top[k - 1]!]!) k--; // exact: integer units of one scale
    if (k < limit) {
      top.splice(k, 0, i);
      if (top.length > limit) top.pop();
    }
  }
  return { top, count };
}

function explain(cands: Candidate[], groups: CapGroup[], sel: Selection, loss: LossIndex, total: Decimal, detail: 'full' | 'summary'): string[] {
  const lines = [
    `${sel.chosen.size} of ${cands.length} possible grants chosen for ${total} credits: the most any combination allows `
      + 'without counting an achievement or a target item twice and within every cap; ties go to more requirements '
      + 'satisfied, then fewer achievements consumed, then rule id, version and achievement ids.',
  ];
  const capLine = (g: CapGroup): string => `cap: ${g.label}; ${creditsText(g.remaining)} available`;
  const notChosen = (i: number): string => `not chosen: ${cands[i]!.explanation}: ${lossOf(i, loss).explanation}`;
  if (detail === 'full') {
    for (const g of groups) lines.push(capLine(g));
    for (const note of sel.notes) lines.push(note());
    cands.forEach((_, i) => { if (!sel.chosen.has(i)) lines.push(notChosen(i)); });
    return lines;
  }
  // The programme or period cap bounds everything, so it comes before the per-rule and per-source caps.
  const caps = [...groups.filter((g) => g.global), ...groups.filter((g) => !g.global)].slice(0, SUMMARY_LINES);
  for (const g of caps) lines.push(capLine(g));
  lines.push(...more(groups.length - caps.length, 'caps'));
  for (const note of sel.notes.slice(0, SUMMARY_LINES)) lines.push(note());
  lines.push(...more(sel.notes.length - SUMMARY_LINES, 'notes on how groups of candidates were solved'));
  const { top, count } = strongestLosers(cands, sel, SUMMARY_LINES);
  for (const i of top) lines.push(notChosen(i));
  lines.push(...more(count - top.length, 'candidates not chosen'));
  return lines;
}

/** Evaluates a learner's achievements against the indexed rules for one target (pure; no I/O). */
export function evaluate(input: EvaluationInput, index: RuleIndex, solver: Solver): EvaluationResult {
  const ctx = buildContext(input);
  const set = buildCandidates(index, ctx);
  const cands = set.candidates;
  const groups = capGroups(cands, ctx);
  const sel = optimise(cands, groups, solver);
  assertFeasible(cands, groups, sel);
  const byAchievement = new Map<string, number[]>();
  cands.forEach((c, i) => c.achievementIds.forEach((a) => {
    const list = byAchievement.get(a);
    if (list) list.push(i);
    else byAchievement.set(a, [i]);
  }));
  const loss = lossIndex(cands, groups, sel, input.achievements, input.names);
  const defaultReviewer = { institutionId: input.target.institutionId };
  const outcomes = [...input.achievements].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .map((a) => outcomeFor(a, set, loss, input.reviewerFor?.(a) ?? defaultReviewer, byAchievement, input.target.institutionId));
  const chosen = cands.filter((_, i) => sel.chosen.has(i));
  const byCategory: Record<string, Decimal> = {};
  for (const g of chosen.flatMap((c) => c.grants)) byCategory[g.category] = (byCategory[g.category] ?? new Decimal(0)).plus(g.credits);
  const total = chosen.reduce((s, c) => s.plus(c.credits), new Decimal(0));
  return new LazyResult(outcomes, { total, byCategory }, chosen, () => explain(cands, groups, sel, loss, total, input.explain ?? 'full'));
}

/**
 * An evaluation's result whose explanation is written on first read: one line per losing
 * candidate is most of an evaluation's text, and most callers only read the outcomes. It is an
 * own enumerable accessor (JSON sees it, after `chosen`), and every result shares ONE getter:
 * a fresh getter closure per result made V8 copy the hidden class for each result (the accessor
 * differs), and those copies, held from old space until the next full GC, kept each result's
 * closure and so the whole evaluation alive through every scavenge, which promoted it
 * (≈ 2.4 MB per scavenge, 9 ms pauses at 100,000 rules).
 */
class LazyResult implements EvaluationResult {
  #explanation: (() => string[]) | string[];
  declare readonly explanation: string[];

  constructor(readonly outcomes: Outcome[], readonly totals: EvaluationResult['totals'], readonly chosen: Candidate[], explanation: () => string[]) {
    this.#explanation = explanation;
    Object.defineProperty(this, 'explanation', LazyResult.#accessor);
  }

  static readonly #accessor: PropertyDescriptor = {
    enumerable: true, configurable: true,
    get(this: LazyResult): string[] {
      if (typeof this.#explanation === 'function') this.#explanation = this.#explanation();
      return this.#explanation;
    },
  };
}
