import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import { achievement, equivalency, input, item } from '../fixtures/engine-fixtures.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

const rule = equivalency('calc', [item('calc-src', 4, 'inst-src')], [item('calc-tgt', 4)], {
  conditions: { minResult: { schemeId: 'percentage', result: '60' } },
});
const attempt = (id: string, result: string, completedOn: string) =>
  achievement({ id, catalogueItemId: 'calc-src', gradingSchemeId: 'percentage', result, completedOn });

describe('retakes of one source item under a 1:1 rule', () => {
  it('offers each passing attempt, counts one, and says why the others do not count', () => {
    const r = evaluate(input([attempt('fail', '40', '2022-01-10'), attempt('pass1', '65', '2022-06-10'), attempt('pass2', '80', '2023-01-10')]), indexRules([rule]), solver);
    const by = Object.fromEntries(r.outcomes.map((o) => [o.achievementId, o]));
    expect(by.fail).toMatchObject({ status: 'miss', reason: 'grade_too_low', ruleId: 'calc' });
    const matched = ['pass1', 'pass2'].filter((id) => by[id]!.status === 'match');
    expect(matched).toHaveLength(1);
    const other = ['pass1', 'pass2'].find((id) => !matched.includes(id))!;
    expect(by[other]).toMatchObject({ status: 'miss', reason: 'already_satisfied' });
    expect(r.totals.total.toString()).toBe('4');
  });

  it('past 64 passing attempts, offers only the most recent one', () => {
    const attempts = Array.from({ length: 70 }, (_, i) => attempt(`t${String(i).padStart(2, '0')}`, '70', `2020-01-${String((i % 28) + 1).padStart(2, '0')}`));
    attempts.push(attempt('latest', '70', '2024-05-01'));
    const r = evaluate(input(attempts), indexRules([rule]), solver);
    expect(r.chosen).toHaveLength(1);
    expect(r.chosen[0]!.achievementIds).toEqual(['latest']);
    expect(r.outcomes.filter((o) => o.status === 'match').map((o) => o.achievementId)).toEqual(['latest']);
  });
});
