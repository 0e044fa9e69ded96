import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import type { AgreementWindow, BlockRule, EvaluationInput, FrameworkLevel, Rule } from '../../../src/recognition/engine/types.js';
import { achievement, block, equivalency, input, item } from '../fixtures/engine-fixtures.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

const run = (rules: Rule[], inp: EvaluationInput) => evaluate(inp, indexRules(rules), solver);
const outcome = (r: ReturnType<typeof run>, id: string) => r.outcomes.find((o) => o.achievementId === id)!;
const eqf = (level: number): FrameworkLevel => ({ frameworkId: 'eqf', version: '2017', level });
const scqf = (level: number): FrameworkLevel => ({ frameworkId: 'scqf', version: '2012', level });
// SCQF 7 and 8 both reference EQF 5 (as published); SCQF 6 → EQF 4; nothing else is mapped here.
const SCQF_TO_EQF: Record<number, number> = { 6: 4, 7: 5, 8: 5 };
const referenceLevel = (l: FrameworkLevel, to: string, toVersion?: string): number | undefined =>
  l.frameworkId === 'scqf' && to === 'eqf' && (toVersion ?? '2017') === '2017' ? SCQF_TO_EQF[l.level] : undefined;
// An agreement's rule; the source institution left the agreement on `leftOn` (the engine's last day).
const agreementRule = (rule: BlockRule) => ({
  rule: { ...rule, owner: { kind: 'agreement' as const, id: 'ag' } },
  agreements: (lastDay: string): AgreementWindow[] => [{ id: 'ag', effectiveFrom: '2020-01-01', members: [
    { institutionId: 'inst-tgt', joinedOn: '2020-01-01' }, { institutionId: 'inst-src', joinedOn: '2020-01-01', leftOn: lastDay }] }],
});
const at5 = { frameworkId: 'eqf', version: '2017', level: 5 };
const course = (id: string, level: FrameworkLevel | null, over = {}) => achievement({ id, catalogueItemId: 'src-101', level, ...over });
const oneToOne = (over: Partial<Parameters<typeof equivalency>[3]> = {}) =>
  equivalency('r1', [item('src-101', 4, 'inst-src')], [item('tgt-101', 4)], { conditions: { targetLevel: at5 }, ...over });

describe('level constraint of a rule', () => {
  it('matches a source at or above the target level and misses one below, in the same framework', () => {
    const r = run([oneToOne()], input([course('hi', eqf(6), { catalogueItemId: 'src-101' })]));
    expect(outcome(r, 'hi')).toMatchObject({ status: 'match', ruleId: 'r1' });
    const low = run([oneToOne()], input([course('lo', eqf(4))]));
    expect(outcome(low, 'lo')).toMatchObject({ status: 'miss', reason: 'level_too_low', ruleId: 'r1' });
  });

  it('compares another framework only through a published mapping, taking the lowest level it references', () => {
    const r = run([oneToOne()], input([course('s7', scqf(7)), course('s6', scqf(6), { catalogueItemId: 'src-101' })], { referenceLevel }));
    expect(outcome(r, 's7')).toMatchObject({ status: 'match' });
    expect(outcome(r, 's6')).toMatchObject({ status: 'miss', reason: 'level_too_low' });
    expect(outcome(r, 's6').explanation).toContain('eqf level 4 by published mapping');
  });

  it('sends a source with no published mapping, or no level at all, to review with the reason — never a match or a miss', () => {
    const r = run([oneToOne()], input([course('s11', scqf(11)), course('none', null)], { referenceLevel }));
    for (const id of ['s11', 'none']) {
      expect(outcome(r, id)).toMatchObject({ status: 'maybe', reason: 'level_not_comparable', ruleId: 'r1', ruleVersion: 1, reviewer: { institutionId: 'inst-tgt' } });
    }
    expect(outcome(r, 's11').explanation).toContain('no published mapping');
    expect(r.totals.total.toString()).toBe('0');
  });

  it('needs a mapping between versions of one framework when the rule names the version', () => {
    const other = { frameworkId: 'eqf', version: '2008', level: 6 };
    expect(outcome(run([oneToOne()], input([course('v', other)])), 'v')).toMatchObject({ status: 'maybe', reason: 'level_not_comparable' });
    const anyVersion = oneToOne({ conditions: { targetLevel: { frameworkId: 'eqf', level: 5 } } });
    expect(outcome(run([anyVersion], input([course('v', other)])), 'v')).toMatchObject({ status: 'match' });
  });

  it('applies no level check when the rule allows a lower level', () => {
    const lenient = oneToOne({ conditions: { targetLevel: at5, allowLowerLevel: true } });
    const r = run([lenient], input([course('none', null), course('lo', eqf(2), { catalogueItemId: 'src-101' })]));
    expect(r.outcomes.filter((o) => o.status === 'match')).toHaveLength(1);
    expect(r.outcomes.every((o) => o.status !== 'maybe')).toBe(true);
  });

  it('reports a definite failure of another condition rather than asking a reviewer about the level', () => {
    const strict = oneToOne({ conditions: { targetLevel: at5, minResult: { schemeId: 'percentage', result: '60' } } });
    const r = run([strict], input([course('weak', null, { result: '50', gradingSchemeId: 'percentage' })]));
    expect(outcome(r, 'weak')).toMatchObject({ status: 'miss', reason: 'grade_too_low' });
  });

  it('matches through another rule rather than waiting for a review', () => {
    const other = block('b1', 2, { pattern: { institutionIds: ['inst-src'] } });
    const r = run([oneToOne(), other], input([course('none', null)]));
    expect(outcome(r, 'none')).toMatchObject({ status: 'match', ruleId: 'b1' });
  });

  it('routes a whole many:1 set to review when one source cannot be compared', () => {
    const pair = equivalency('pair', [item('p1', 0, 'inst-src'), item('p2', 0, 'inst-src')], [item('big', 10)], { conditions: { targetLevel: at5 } });
    const r = run([pair], input([course('x1', eqf(5), { catalogueItemId: 'p1' }), course('x2', null, { catalogueItemId: 'p2' })]));
    expect(outcome(r, 'x2')).toMatchObject({ status: 'maybe', reason: 'level_not_comparable', ruleId: 'pair' });
    expect(outcome(r, 'x1')).toMatchObject({ status: 'maybe', reason: 'level_not_comparable', ruleId: 'pair' });
    expect(outcome(r, 'x1').explanation).toContain('x2');
  });

  it('does not send an achievement to review for a rule that is not in force', () => {
    const ended = oneToOne({ effectiveTo: '2024-12-31' });
    expect(outcome(run([ended], input([course('none', null)])), 'none')).toMatchObject({ status: 'miss', reason: 'not_effective' });
    const shared = agreementRule(block('ag', 2, { conditions: { targetLevel: at5 } }));
    const r = run([shared.rule], input([course('none', null)], { agreements: shared.agreements('2025-01-01') }));
    expect(outcome(r, 'none')).toMatchObject({ status: 'miss', reason: 'not_effective' });
  });

  it('applies a block rule\'s minimum level the same way', () => {
    const rule = block('b5', 3, { pattern: { minLevel: at5 } });
    const r = run([rule], input([course('s11', scqf(11)), course('e6', eqf(6), { catalogueItemId: 'x' }), course('e4', eqf(4), { catalogueItemId: 'y' })], { referenceLevel }));
    expect(outcome(r, 's11')).toMatchObject({ status: 'maybe', reason: 'level_not_comparable', ruleId: 'b5' });
    expect(outcome(r, 'e6')).toMatchObject({ status: 'match' });
    expect(outcome(r, 'e4')).toMatchObject({ status: 'miss', reason: 'level_too_low' });
  });

  it('checks the source side\'s level when a bidirectional rule is read back', () => {
    // Read back at inst-src: the achievement is the target item (EQF 5); the source side is EQF 6.
    const both = equivalency('bi', [item('src-101', 4, 'inst-src')], [item('tgt-101', 4)], {
      bidirectional: true, conditions: { targetLevel: at5, reverseTargetLevel: { ...at5, level: 6 } },
    });
    const back = (level: FrameworkLevel) => input([achievement({ id: 'y', sourceInstitutionId: 'inst-tgt', catalogueItemId: 'tgt-101', level })],
      { target: { ...input([]).target, institutionId: 'inst-src' } });
    expect(outcome(run([both], back(eqf(5))), 'y')).toMatchObject({ status: 'miss', reason: 'level_too_low', ruleId: 'bi' });
    expect(outcome(run([both], back(eqf(6))), 'y')).toMatchObject({ status: 'match', ruleId: 'bi', reverse: true });
  });
});
