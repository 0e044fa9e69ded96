import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCandidates } from '../../../src/recognition/engine/candidates.js';
import { buildContext } from '../../../src/recognition/engine/context.js';
import { indexRules } from '../../../src/recognition/engine/index.js';
import type { EvaluationInput, Rule } from '../../../src/recognition/engine/types.js';
import { worldArb } from '../fixtures/engine-arbitraries.js';
import { achievement, block, equivalency, input, item } from '../fixtures/engine-fixtures.js';

// The engine puts candidates in key order by numbers (rule rank, direction, position) rather than
// by comparing key strings; these tests compare the result with the key strings themselves.
const keysOf = (rules: Rule[], inp: EvaluationInput): string[] =>
  buildCandidates(indexRules(rules), buildContext(inp)).candidates.map((c) => c.key);

const ascending = (keys: string[]): boolean => keys.every((k, i) => i === 0 || keys[i - 1]! < k);

describe('candidate order', () => {
  it('is strictly ascending by key, whatever the order of rules and achievements', () => {
    fc.assert(fc.property(worldArb, ({ rules, input: inp }) => {
      const keys = keysOf(rules, inp);
      expect(ascending(keys)).toBe(true);
      expect(keysOf([...rules].reverse(), { ...inp, achievements: [...inp.achievements].reverse() })).toEqual(keys);
    }), { numRuns: 300 });
  });

  it('orders versions numerically, directions forward first, and one rule\'s candidates by their achievements', () => {
    const calc = (id: string, version: number) => equivalency(id, [item('calc-src', 4, 'inst-src')], [item(`${id}-tgt`, 4)], { version });
    const back = equivalency('m-back', [item('hist-tgt', 3, 'inst-tgt')], [item('hist-src', 3)], { bidirectional: true, targetInstitutionId: 'inst-src' });
    // Both directions at once: a course renumbered within the target institution, either code held.
    const renamed = equivalency('n-renamed', [item('old-code', 3, 'inst-tgt')], [item('new-code', 3)], { bidirectional: true });
    const pair = equivalency('p-pair', [item('calc-src', 2, 'inst-src'), item('lab-src', 2, 'inst-src')], [item('p-tgt', 4)]);
    const rules: Rule[] = [calc('z-calc', 2), pair, back, calc('c-calc', 10), calc('c-calc2', 9), renamed, block('b-any', 1)];
    const achievements = [
      achievement({ id: 'x2', catalogueItemId: 'calc-src' }), achievement({ id: 'x1', catalogueItemId: 'calc-src' }),
      achievement({ id: 'lab', catalogueItemId: 'lab-src' }), achievement({ id: 'hist', catalogueItemId: 'hist-src', sourceInstitutionId: 'inst-tgt' }),
      achievement({ id: 'old', catalogueItemId: 'old-code', sourceInstitutionId: 'inst-tgt' }), achievement({ id: 'new', catalogueItemId: 'new-code', sourceInstitutionId: 'inst-tgt' }),
    ];
    const keys = keysOf(rules, input(achievements, { target: { ...input([]).target, institutionId: 'inst-tgt' } }));
    // Several candidates per rule (two calc attempts; the pair with either attempt), every rule type.
    expect(keys.filter((k) => k.startsWith('c-calc|')).length).toBe(2);
    expect(keys.filter((k) => k.startsWith('p-pair|')).length).toBe(2);
    expect(keys.some((k) => k.startsWith('m-back|000001|r|'))).toBe(true);
    expect(keys.filter((k) => k.startsWith('n-renamed|'))).toEqual(['n-renamed|000001|f|old', 'n-renamed|000001|r|new']);
    expect(keys.some((k) => k.startsWith('b-any|'))).toBe(true);
    expect(ascending(keys)).toBe(true);
    expect(keys).toEqual([...keys].sort());
  });
});
