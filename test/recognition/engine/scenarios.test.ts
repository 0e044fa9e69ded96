import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import type { EvaluationInput, Rule } from '../../../src/recognition/engine/types.js';
import { achievement, block, conversion, d, equivalency, input, item, system, target } from '../fixtures/engine-fixtures.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

const run = (rules: Rule[], inp: EvaluationInput) => evaluate(inp, indexRules(rules), solver);
const outcome = (r: ReturnType<typeof run>, id: string) => r.outcomes.find((o) => o.achievementId === id)!;

describe('recognition engine scenarios from published policy', () => {
  it('exempts three courses worth 8 credits for a postal delivery-clerk certificate (1:many)', () => {
    const rule = equivalency('ouc-postal', [item('postal-clerk-cert', 0, 'inst-postal')],
      [item('logistics-101', 3), item('customer-service', 3), item('mail-handling', 2)]);
    const cert = achievement({ id: 'a1', kind: 'certificate', sourceInstitutionId: 'inst-postal', catalogueItemId: 'postal-clerk-cert' });
    const r = run([rule], input([cert]));
    expect(outcome(r, 'a1')).toMatchObject({ status: 'match', ruleId: 'ouc-postal', ruleVersion: 1 });
    expect(r.totals.total.toString()).toBe('8');
    expect(r.chosen[0]!.grants.map((g) => g.targetItemId)).toEqual(['logistics-101', 'customer-service', 'mail-handling']);
  });

  it('grants credit only for learning completed within 5 years of the evaluation', () => {
    const rule = block('recent', 4, { conditions: { recency: { years: 5 } } });
    const r = run([rule], input([
      achievement({ id: 'old', completedOn: '2020-08-31' }),
      achievement({ id: 'edge', completedOn: '2020-09-01' }),
    ]));
    expect(outcome(r, 'old')).toMatchObject({ status: 'miss', reason: 'too_old', ruleId: 'recent' });
    expect(outcome(r, 'edge')).toMatchObject({ status: 'match' });
  });

  it('measures recency from a reference date when the rule names one', () => {
    const rule = block('ref', 4, { conditions: { recency: { years: 5, referenceDate: '2022-01-01' } } });
    const r = run([rule], input([achievement({ id: 'a', completedOn: '2017-06-01' })]));
    expect(outcome(r, 'a')).toMatchObject({ status: 'match' });
  });

  it('keeps recognition within 1/3 of the programme and picks the best-filling combination, not the greedy one', () => {
    const rules = [block('b25', 25, { pattern: { kinds: ['qualification'] } }), block('b20', 20, { pattern: { kinds: ['course'] } })];
    const inp = input([
      achievement({ id: 'q', kind: 'qualification' }), achievement({ id: 'c1' }), achievement({ id: 'c2' }),
    ], { target: target({ programmeId: 'bsc', programmeTotalCredits: d(120), caps: { programme: { fraction: { numerator: d(1), denominator: d(3) } } } }) });
    const r = run(rules, inp);
    expect(r.totals.total.toString()).toBe('40');
    expect(outcome(r, 'q')).toMatchObject({ status: 'miss', reason: 'cap_reached' });
    expect(outcome(r, 'c1').status).toBe('match');
  });

  it('counts earlier recognition against the programme cap', () => {
    const inp = input([achievement({ id: 'c1' })], {
      target: target({ programmeTotalCredits: d(120), caps: { programme: { fraction: { numerator: d(1), denominator: d(3) } } } }),
      previouslyRecognised: [{ credits: d(38), recognisedOn: '2025-01-10' }],
    });
    const r = run([block('b', 4)], inp);
    expect(outcome(r, 'c1')).toMatchObject({ status: 'miss', reason: 'cap_reached' });
    expect(r.totals.total.toString()).toBe('0');
  });

  it('maps a percentage result to ECTS grades before applying a minimum of C', () => {
    const rule = block('min-c', 5, { conditions: { minResult: { schemeId: 'ects-grade', result: 'C' } } });
    const r = run([rule], input([
      achievement({ id: 'p78', result: '78', gradingSchemeId: 'percentage' }),
      achievement({ id: 'p72', result: '72', gradingSchemeId: 'percentage' }),
      achievement({ id: 'pf', result: 'pass', gradingSchemeId: 'pass-fail' }),
    ]));
    expect(outcome(r, 'p78').status).toBe('match');
    expect(outcome(r, 'p72')).toMatchObject({ status: 'miss', reason: 'grade_too_low' });
    expect(outcome(r, 'p72').explanation).toContain('= D in ects-grade');
    expect(outcome(r, 'pf')).toMatchObject({ status: 'miss', reason: 'grade_not_comparable' });
  });

  it('needs every source of a many:1 equivalency and consumes them all together', () => {
    const rule = equivalency('m1', [item('stats-1', 2, 'inst-src'), item('stats-2', 2, 'inst-src')], [item('statistics', 4)]);
    const one = run([rule], input([achievement({ id: 's1', catalogueItemId: 'stats-1' })]));
    expect(outcome(one, 's1')).toMatchObject({ status: 'miss', reason: 'incomplete_set' });
    const both = run([rule], input([achievement({ id: 's1', catalogueItemId: 'stats-1' }), achievement({ id: 's2', catalogueItemId: 'stats-2' })]));
    expect(outcome(both, 's1')).toMatchObject({ status: 'match', coSourceIds: ['s2'] });
    expect(outcome(both, 's2')).toMatchObject({ status: 'match', coSourceIds: ['s1'] });
    expect(both.totals.total.toString()).toBe('4');
  });

  it('reads a bidirectional equivalency in reverse at the source institution', () => {
    const rule = equivalency('bi', [item('a-math', 3, 'uni-a')], [item('b-math', 4, 'uni-b')], { targetInstitutionId: 'uni-b', bidirectional: true });
    const inp = input([achievement({ id: 'bm', sourceInstitutionId: 'uni-b', catalogueItemId: 'b-math' })], { target: target({ institutionId: 'uni-a' }) });
    const r = run([rule], inp);
    expect(outcome(r, 'bm')).toMatchObject({ status: 'match', reverse: true, grants: [{ targetItemId: 'a-math' }] });
    expect(r.totals.total.toString()).toBe('3');
    const oneWay = run([{ ...rule, bidirectional: false }], inp);
    expect(outcome(oneWay, 'bm').status).toBe('maybe');
  });

  it('satisfies a requirement with 0 credits under a waiver-only rule', () => {
    const rule = equivalency('w', [item('first-aid', 0, 'inst-src')], [item('safety-induction', 1)], { conditions: { waiverOnly: true } });
    const r = run([rule], input([achievement({ id: 'fa', catalogueItemId: 'first-aid' })]));
    expect(outcome(r, 'fa')).toMatchObject({ status: 'match', waiver: true, grants: [{ targetItemId: 'safety-induction' }] });
    expect(r.totals.total.toString()).toBe('0');
  });

  it('earns 4 credits for an exam score of 3 or more, and nothing below', () => {
    const rule = block('score3', 4, { pattern: { kinds: ['exam'], institutionIds: ['exam-board'] }, conditions: { minResult: { schemeId: 'five-point', result: '3' } } });
    const exam = (id: string, result: string) => achievement({ id, kind: 'exam', sourceInstitutionId: 'exam-board', result, gradingSchemeId: 'five-point' });
    const r = run([rule], input([exam('e3', '3'), exam('e2', '2')]));
    expect(outcome(r, 'e3')).toMatchObject({ status: 'match', credits: d(4) });
    expect(outcome(r, 'e2')).toMatchObject({ status: 'miss', reason: 'grade_too_low' });
  });

  it('converts ECTS to HKQF credits by notional hours with the rule step', () => {
    const rule = conversion('ects-hk', '0.5');
    const r = run([rule], input([achievement({ id: 'e', credits: d('7.5'), creditSystemId: 'ects' })], { target: target({ creditSystem: system('hkqf') }) }));
    expect(r.totals.total.toString()).toBe('18.5');
  });

  it('refuses a lower-level source unless the rule allows it', () => {
    const lvl = (level: number) => ({ frameworkId: 'eqf', version: '2017', level });
    const strict = block('lvl', 3, { conditions: { targetLevel: { frameworkId: 'eqf', level: 5 } } });
    const a = achievement({ id: 'l4', level: lvl(4) });
    expect(outcome(run([strict], input([a])), 'l4')).toMatchObject({ status: 'miss', reason: 'level_too_low' });
    const lenient = { ...strict, conditions: { ...strict.conditions, allowLowerLevel: true } };
    expect(outcome(run([lenient], input([a])), 'l4').status).toBe('match');
  });

  it('routes uncovered achievements to the target reviewers and reports revoked ones', () => {
    const r = run([], input([achievement({ id: 'x' }), achievement({ id: 'gone', revoked: true })], { reviewerFor: () => ({ institutionId: 'inst-tgt', queue: 'faculty-of-law' }) }));
    expect(outcome(r, 'x')).toMatchObject({ status: 'maybe', reviewer: { queue: 'faculty-of-law' } });
    expect(outcome(r, 'gone')).toMatchObject({ status: 'miss', reason: 'revoked' });
  });

  it('does not send the target\'s own courses to its reviewers, but still applies its rules that map them (a renumbered course)', () => {
    const renumbered = equivalency('renumbered', [item('acc-101-old', 3, 'inst-tgt')], [item('acc-101', 3)]);
    const own = achievement({ id: 'own', sourceInstitutionId: 'inst-tgt', catalogueItemId: 'acc-99' });
    const old = achievement({ id: 'old', sourceInstitutionId: 'inst-tgt', catalogueItemId: 'acc-101-old' });
    const elsewhere = achievement({ id: 'elsewhere' });
    const r = run([renumbered], input([own, old, elsewhere]));
    expect(outcome(r, 'own')).toMatchObject({ status: 'miss', reason: 'own_institution' });
    expect(outcome(r, 'old')).toMatchObject({ status: 'match', ruleId: 'renumbered' });
    expect(outcome(r, 'elsewhere')).toMatchObject({ status: 'maybe' });
  });

  it('stops applying an agreement rule from the day a party leaves', () => {
    const rule = block('yrd', 2, { owner: { kind: 'agreement', id: 'yrd-alliance' } });
    const agreements = [{ id: 'yrd-alliance', effectiveFrom: '2021-01-01', members: [
      { institutionId: 'inst-tgt', joinedOn: '2021-01-01' }, { institutionId: 'inst-src', joinedOn: '2021-01-01', leftOn: '2025-06-30' }] }];
    const a = [achievement({ id: 'a' })];
    expect(outcome(run([rule], input(a, { agreements, date: '2025-06-30' })), 'a').status).toBe('match');
    expect(outcome(run([rule], input(a, { agreements, date: '2025-07-01' })), 'a')).toMatchObject({ status: 'miss', reason: 'not_effective' });
  });

  it('prefers one many:1 rule over two 1:1 rules when it yields more, explaining the loser', () => {
    const rules = [
      equivalency('pair', [item('p1', 0, 'inst-src'), item('p2', 0, 'inst-src')], [item('big', 10)]),
      equivalency('one1', [item('p1', 0, 'inst-src')], [item('small1', 4)]),
      equivalency('one2', [item('p2', 0, 'inst-src')], [item('small2', 4)]),
    ];
    const r = run(rules, input([achievement({ id: 'x1', catalogueItemId: 'p1' }), achievement({ id: 'x2', catalogueItemId: 'p2' })]));
    expect(r.totals.total.toString()).toBe('10');
    expect(r.explanation.some((l) => l.startsWith('not chosen: equivalency rule one1'))).toBe(true);
  });
});
