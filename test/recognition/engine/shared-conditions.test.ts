import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, indexRules, loadSolver, type Solver } from '../../../src/recognition/engine/index.js';
import type { EquivalencyRule } from '../../../src/recognition/engine/types.js';
import { SharedValues, toEngineRule, type RuleVersion } from '../../../src/recognition/rules/rule-mapping.js';
import { achievement, input } from '../fixtures/engine-fixtures.js';

let solver: Solver;
beforeAll(async () => { solver = await loadSolver(); });

const version = (id: string, source: string, conditions: unknown): RuleVersion => ({
  id, version: 1, owner: { kind: 'institution', id: 'inst-tgt' }, targetInstitutionId: 'inst-tgt', programmeId: null, kind: 'equivalency',
  definition: {
    sources: [{ institutionId: 'inst-src', code: source, credits: '3' }],
    targets: [{ institutionId: 'inst-tgt', code: `T-${id}`, credits: '3' }],
    conditions,
  },
  effectiveFrom: '2020-01-01', effectiveTo: null, rationale: 'test', evidence: [], supersedes: null, publishedBy: 'test', publishedAt: '2024-01-01T00:00:00Z',
});

const GRADE = { minResult: { schemeId: 'percentage', result: '60' }, recency: { years: 5 } };

describe('rule conditions shared across a rule set', () => {
  it('maps equal credit values and conditions of one rule set to one object each, and different ones apart', () => {
    const shared = new SharedValues();
    const [a, b, c] = [version('r1', 'C1', GRADE), version('r2', 'C2', structuredClone(GRADE)), version('r3', 'C3', { minResult: { schemeId: 'percentage', result: '70' } })]
      .map((v) => toEngineRule(v, shared) as EquivalencyRule);
    expect(b!.conditions.minResult).toBe(a!.conditions.minResult);
    expect(b!.conditions.recency).toBe(a!.conditions.recency);
    expect(b!.sources[0]!.credits).toBe(a!.sources[0]!.credits);
    expect(c!.conditions.minResult).not.toBe(a!.conditions.minResult);
    expect(c!.conditions.minResult).toEqual({ schemeId: 'percentage', result: '70' });
    // Rule sets mapped separately share nothing.
    expect((toEngineRule(version('r1', 'C1', GRADE)) as EquivalencyRule).conditions.minResult).not.toBe(a!.conditions.minResult);
  });

  it('decides a shared condition for each achievement on its own values', () => {
    const shared = new SharedValues();
    const rules = ['C1', 'C2', 'C3'].map((code, i) => toEngineRule(version(`r${i}`, code, GRADE), shared)!);
    const item = (code: string) => (rules.find((r) => (r as EquivalencyRule).sources[0]!.itemId.endsWith(code)) as EquivalencyRule).sources[0]!.itemId;
    const learners = [
      achievement({ id: 'pass', catalogueItemId: item('C1'), sourceInstitutionId: 'inst-src', gradingSchemeId: 'percentage', result: '75', completedOn: '2024-06-01' }),
      achievement({ id: 'low', catalogueItemId: item('C2'), sourceInstitutionId: 'inst-src', gradingSchemeId: 'percentage', result: '59', completedOn: '2024-06-01' }),
      achievement({ id: 'old', catalogueItemId: item('C3'), sourceInstitutionId: 'inst-src', gradingSchemeId: 'percentage', result: '90', completedOn: '2015-06-01' }),
    ];
    const r = evaluate(input(learners), indexRules(rules), solver);
    const status = Object.fromEntries(r.outcomes.map((o) => [o.achievementId, o.status === 'miss' ? o.reason : o.status]));
    expect(status).toEqual({ pass: 'match', low: 'grade_too_low', old: 'too_old' });
  });
});
