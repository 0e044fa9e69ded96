import { beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_LINES } from '../../../src/recognition/engine/evaluate.js';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import type { EvaluationInput, Rule } from '../../../src/recognition/engine/types.js';
import { achievement, d, equivalency, input, item, target } from '../fixtures/engine-fixtures.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

// Six achievements, each claimed by three rules worth 2, 3 and 4 credits: six winners (4 each),
// twelve candidates not chosen, six solver notes (one per competing group).
const rules: Rule[] = Array.from({ length: 6 }, (_, k) => [2, 3, 4].map((c) => equivalency(`r${k}-${c}`, [item(`s${k}`, 0, 'inst-src')], [item(`t${k}-${c}`, c)]))).flat();
const achievements = Array.from({ length: 6 }, (_, k) => achievement({ id: `x${k}`, catalogueItemId: `s${k}` }));
const caps = { perSourceInstitution: d(100), programme: { max: d(200) } };
const run = (explain?: EvaluationInput['explain']) =>
  evaluate(input(achievements, { target: target({ caps }), ...(explain ? { explain } : {}) }), indexRules(rules), solver);

describe('explanation detail', () => {
  it('writes every cap, note and loser by default, as before', () => {
    const full = run();
    expect(full.totals.total.toString()).toBe('24');
    expect(full.explanation.filter((l) => l.startsWith('not chosen: '))).toHaveLength(12);
    expect(full.explanation.filter((l) => l.startsWith('cap: '))).toHaveLength(2);
    expect(full.explanation.filter((l) => l.includes('competing candidates'))).toHaveLength(6);
    expect(run('full').explanation).toEqual(full.explanation);
  });

  it('summarises with the strongest losers, bounded lists and counts of the rest, same outcomes and totals', () => {
    const full = run('full');
    const summary = run('summary');
    expect(JSON.stringify(summary.outcomes)).toBe(JSON.stringify(full.outcomes));
    expect(summary.totals.total.toString()).toBe(full.totals.total.toString());
    expect(summary.chosen.map((c) => c.key)).toEqual(full.chosen.map((c) => c.key));
    const losers = summary.explanation.filter((l) => l.startsWith('not chosen: '));
    expect(losers).toHaveLength(SUMMARY_LINES);
    // Strongest first: 3-credit losers (r0-3, r1-3, r2-3 in key order) before any 2-credit one.
    expect(losers.map((l) => /rule (\S+)/.exec(l)![1])).toEqual(['r0-3', 'r1-3', 'r2-3']);
    // Each shown loser reads exactly as in the full explanation.
    for (const l of losers) expect(full.explanation).toContain(l);
    expect(summary.explanation).toContain('… and 9 more candidates not chosen (the full explanation lists each)');
    expect(summary.explanation).toContain('… and 3 more notes on how groups of candidates were solved (the full explanation lists each)');
    // The programme cap (global) comes first; both caps fit in the bound.
    const capLines = summary.explanation.filter((l) => l.startsWith('cap: '));
    expect(capLines[0]).toMatch(/^cap: programme cap 200/);
    expect(capLines).toHaveLength(2);
    expect(summary.explanation[0]).toBe(full.explanation[0]);
    expect(summary.explanation.length).toBeLessThan(full.explanation.length);
  });

  it('adds no count lines when nothing is left out', () => {
    const one = evaluate(input([achievements[0]!], { explain: 'summary' }), indexRules(rules.slice(0, 2)), solver);
    expect(one.explanation.filter((l) => l.startsWith('…'))).toEqual([]);
    expect(one.explanation.filter((l) => l.startsWith('not chosen: '))).toHaveLength(1);
  });
});
