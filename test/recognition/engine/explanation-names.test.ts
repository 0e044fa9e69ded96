import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import type { EngineNames, EvaluationInput, Rule } from '../../../src/recognition/engine/types.js';
import { achievement, block, d, equivalency, input, item, target } from '../fixtures/engine-fixtures.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

const NAMES: Record<string, string> = { 'inst-tgt': '目标大学 Target University', 'inst-src': '源学院 Source College', 'inst-far': 'Far Institute' };
const names: EngineNames = { institution: (id) => NAMES[id], item: (id) => (id.startsWith('t') ? `code-${id}` : undefined) };

// x1 matches an equivalency (and loses a weaker one); x2 no rule covers; x3 comes from an
// institution outside the agreement whose rule would take it.
const rules: Rule[] = [
  equivalency('r1', [item('s1', 0, 'inst-src')], [item('t1', 3)]),
  equivalency('r1b', [item('s1', 0, 'inst-src')], [item('t1b', 2)]),
  block('r-agr', 2, { owner: { kind: 'agreement', id: 'agr-1' }, pattern: { institutionIds: ['inst-far'] } }),
];
const achievements = [
  achievement({ id: 'x1', catalogueItemId: 's1', label: 'CS101 程序设计' }),
  achievement({ id: 'x2', label: '社区志愿服务' }),
  achievement({ id: 'x3', sourceInstitutionId: 'inst-far' }),
];
const agreements: EvaluationInput['agreements'] = [{
  id: 'agr-1', name: '粤港澳联盟', effectiveFrom: '2020-01-01',
  members: [{ institutionId: 'inst-tgt', joinedOn: '2020-01-01' }, { institutionId: 'inst-src', joinedOn: '2020-01-01' }],
}];
const caps = { perSourceInstitution: d(10), programme: { fraction: { numerator: d(1), denominator: d(3) } } };
const run = (over: Partial<EvaluationInput>) => evaluate(input(achievements, {
  agreements, target: target({ caps, programmeTotalCredits: d(20) }), explain: 'full', ...over,
}), indexRules(rules), solver);
const text = (r: ReturnType<typeof run>, id: string) => r.outcomes.find((o) => o.achievementId === id)!.explanation;

describe('names in explanations', () => {
  it('names institutions, agreements, target items and achievements where the caller gave names', () => {
    const r = run({ names });
    expect(text(r, 'x1')).toBe('equivalency rule r1 v1: CS101 程序设计 → 3 specified (code-t1); published course-by-course review');
    expect(text(r, 'x2')).toBe('no published rule covers this achievement; reviewers of 目标大学 Target University would evaluate it');
    expect(text(r, 'x3')).toBe('rule r-agr v1: Far Institute is not a party to agreement 粤港澳联盟 on 2025-09-01');
    expect(r.explanation).toContain('cap: at most 10 credits from 源学院 Source College (0 used); 10 available');
    expect(r.explanation.find((l) => l.startsWith('not chosen: '))).toBe('not chosen: equivalency rule r1b v1: CS101 程序设计 → 2 specified (code-t1b); '
      + 'published course-by-course review: CS101 程序设计 already count under rule r1 v1, which yields more overall');
  });

  it('keeps the ids where no name is given, and the structured fields carry ids either way', () => {
    const named = run({ names });
    const bare = run({});
    expect(text(bare, 'x2')).toBe('no published rule covers this achievement; reviewers of inst-tgt would evaluate it');
    expect(text(bare, 'x3')).toBe('rule r-agr v1: inst-far is not a party to agreement 粤港澳联盟 on 2025-09-01');
    expect(bare.explanation).toContain('cap: at most 10 credits from inst-src (0 used); 10 available');
    const unnamed = run({ achievements: achievements.map(({ label: _, ...a }) => a), agreements: agreements.map(({ name: _, ...a }) => a) });
    expect(text(unnamed, 'x1')).toBe('equivalency rule r1 v1: x1 → 3 specified (t1); published course-by-course review');
    expect(text(unnamed, 'x3')).toBe('rule r-agr v1: inst-far is not a party to agreement agr-1 on 2025-09-01');
    const fields = (r: ReturnType<typeof run>) => JSON.stringify(r.outcomes.map(({ explanation: _, ...o }) => o));
    expect(fields(named)).toBe(fields(bare));
    expect(named.totals.total.toString()).toBe(bare.totals.total.toString());
  });

  it('shows what is left of a fractional cap to 4 decimals, cut rather than rounded up', () => {
    const r = run({ names });
    // 1/3 of 20 = 6.666…; 3 credits are used by x1's match, and the line shows what is left before it.
    expect(r.explanation.some((l) => l.startsWith('cap: programme cap 1/3 of 20 = 6.6666… (programme)') && l.endsWith('; 6.6666… available'))).toBe(true);
  });
});
