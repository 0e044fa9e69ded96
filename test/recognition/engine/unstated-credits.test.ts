import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import type { EvaluationInput, Rule } from '../../../src/recognition/engine/types.js';
import { achievement, block, conversion, d, input } from '../fixtures/engine-fixtures.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

const run = (rules: Rule[], inp: EvaluationInput) => evaluate(inp, indexRules(rules), solver);
// An imported credential that states no credits in a known system (as the import mapping gives it).
const unstated = (id: string, over = {}) => achievement({ id, credits: d(0), creditSystemId: 'unstated', creditsUnstated: true, sourceInstitutionId: 'trust-entry-1', kind: 'other', ...over });

describe('a source that states no credits', () => {
  it('a conversion rule sends it to review (Maybe), never converting an invented value', () => {
    const r = run([conversion('conv', 1, { pattern: { institutionIds: ['trust-entry-1'] } })], input([unstated('x')]));
    expect(r.outcomes[0]).toMatchObject({ status: 'maybe', reason: 'credits_not_stated', ruleId: 'conv' });
    expect(r.totals.total.toString()).toBe('0');
  });

  it('a credit minimum sends it to review; a block rule without one grants its fixed credit', () => {
    const min = run([block('min', 3, { pattern: { kinds: ['other'], minCredits: { amount: d(2), creditSystemId: 'ects' } } })], input([unstated('x')]));
    expect(min.outcomes[0]).toMatchObject({ status: 'maybe', reason: 'credits_not_stated' });
    const fixed = run([block('fixed', 3, { pattern: { kinds: ['other'], institutionIds: ['trust-entry-1'] } })], input([unstated('x')]));
    expect(fixed.outcomes[0]).toMatchObject({ status: 'match', ruleId: 'fixed' });
    expect(fixed.totals.total.toString()).toBe('3');
  });

  it('a definite miss on another condition outweighs the question of credits', () => {
    const r = run([conversion('conv', 1, { conditions: { recency: { years: 1 } } })], input([unstated('x', { completedOn: '2010-01-01' })]));
    expect(r.outcomes[0]).toMatchObject({ status: 'miss', reason: 'too_old' });
  });
});
