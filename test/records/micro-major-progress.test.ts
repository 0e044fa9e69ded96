import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCompletion, type ComponentState } from '../../src/records/micro-major-progress.js';

const comp = (code: string, credits: string | null, done: boolean, earned: string | null = done ? credits : null): ComponentState =>
  ({ id: code, code, credits, done, earnedCredits: earned, achievementId: done ? `a-${code}` : null });

describe('micro-major completion rules', () => {
  it('"all" needs every component and names the missing ones', () => {
    const p = evaluateCompletion({ type: 'all' }, [comp('A', '2', true), comp('B', '2', false), comp('C', '2', false)]);
    expect(p.complete).toBe(false);
    expect(p.missing.map((c) => c.code)).toEqual(['B', 'C']);
    expect(p.remaining).toEqual({ components: 2 });
  });

  it('"n-of" completes at n components and says how many more are needed', () => {
    const comps = [comp('A', '2', true), comp('B', '2', false), comp('C', '2', true), comp('D', '2', false)];
    expect(evaluateCompletion({ type: 'n-of', n: 3 }, comps)).toMatchObject({ complete: false, remaining: { components: 1 } });
    expect(evaluateCompletion({ type: 'n-of', n: 2 }, comps)).toMatchObject({ complete: true, remaining: { components: 0 } });
  });

  it('"min-credits" sums exact decimals and counts a component for no more than it is worth', () => {
    const p = evaluateCompletion({ type: 'min-credits', credits: '6.5' }, [comp('A', '2.5', true), comp('B', '3', true, '9'), comp('C', '4', false)]);
    expect(p).toMatchObject({ complete: false, remaining: { credits: '1' } });
    expect(p.explanation).toContain('5.5 earned');
    expect(evaluateCompletion({ type: 'min-credits', credits: '0.3' }, [comp('A', '0.1', true), comp('B', '0.2', true)]).complete).toBe(true);
  });

  const components = fc.array(fc.record({ credits: fc.integer({ min: 0, max: 40 }), done: fc.boolean() }), { maxLength: 12 })
    .map((xs) => xs.map((x, i) => comp(`C${i}`, (x.credits / 4).toString(), x.done)));

  it('completing one more component never undoes completion (every rule is monotone)', () => {
    fc.assert(fc.property(components, fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 100 }), (cs, n, cr) => {
      for (const rule of [{ type: 'all' as const }, { type: 'n-of' as const, n }, { type: 'min-credits' as const, credits: (cr / 4).toString() }]) {
        const before = evaluateCompletion(rule, cs);
        const idx = cs.findIndex((c) => !c.done);
        if (idx < 0) continue;
        const after = evaluateCompletion(rule, cs.map((c, i) => (i === idx ? { ...c, done: true, earnedCredits: c.credits } : c)));
        if (before.complete) expect(after.complete).toBe(true);
      }
    }));
  });

  it('done and missing always partition the components', () => {
    fc.assert(fc.property(components, (cs) => {
      const p = evaluateCompletion({ type: 'all' }, cs);
      expect([...p.done, ...p.missing].map((c) => c.code).sort()).toEqual(cs.map((c) => c.code).sort());
      expect(p.complete).toBe(cs.every((c) => c.done));
    }));
  });
});
