import { describe, expect, it } from 'vitest';
import type { CatalogueItem } from '../../src/catalogue/catalogue.types.js';
import type { FrameworkFile } from '../../src/frameworks/framework-schema.js';
import { levelDefaults, programmeLevel, sideLevel, unknownLevel } from '../../src/recognition/rules/level-default.js';

const item = (code: string, version: number, level: { frameworkId: string; frameworkVersion: string; level: number } | null) =>
  ({ institutionId: 'i', code, version, level }) as CatalogueItem;
const fw = (id: string, version: string, levels: number) => ({ id, version, levels: Array.from({ length: levels }, (_, i) => ({ level: i + 1 })) }) as unknown as FrameworkFile;
const gd = (level: number) => ({ frameworkId: 'gd-ltlqf', frameworkVersion: '2017', level });
const side = (code: string, version?: number) => ({ institutionId: 'i', code, credits: '1', ...(version ? { version } : {}) });

describe('level defaults of a rule (pure)', () => {
  it('takes the highest level over the named versions only, and every version when none is named', () => {
    const items = [item('A', 1, gd(4)), item('A', 2, gd(6)), item('B', 1, null)];
    expect(sideLevel([side('A', 1)], items)).toEqual({ frameworkId: 'gd-ltlqf', version: '2017', level: 4 });
    expect(sideLevel([side('A')], items)).toEqual({ frameworkId: 'gd-ltlqf', version: '2017', level: 6 });
    expect(sideLevel([side('B')], items)).toBeUndefined();
    expect(sideLevel([side('A'), side('C')], [...items, item('C', 1, { frameworkId: 'eqf', frameworkVersion: '2017', level: 5 })]))
      .toEqual({ ambiguous: ['eqf 2017', 'gd-ltlqf 2017'] });
  });

  it('derives nothing for caps, for an explicit opt-out, or over a stated level', () => {
    const items = [item('A', 1, gd(5))];
    const def = { sources: [side('A')], targets: [side('A')] };
    expect(levelDefaults('caps', {}, items, undefined)).toEqual({});
    expect(levelDefaults('equivalency', { ...def, conditions: { allowLowerLevel: true } }, items, undefined)).toEqual({});
    expect(levelDefaults('equivalency', { ...def, conditions: { targetLevel: { frameworkId: 'eqf', level: 3 } } }, items, undefined)).toEqual({});
    expect(levelDefaults('equivalency', def, items, undefined)).toEqual({ targetLevel: { frameworkId: 'gd-ltlqf', version: '2017', level: 5 } });
  });

  it('uses the programme\'s level only when the target side has none', () => {
    const prog = { frameworkId: 'gd-ltlqf', version: '2017', level: 3 };
    expect(levelDefaults('block', { pattern: {}, credits: '1', category: 'x' }, [], prog)).toEqual({ targetLevel: prog });
    expect(levelDefaults('block', { pattern: {}, credits: '1', category: 'x', targetItem: side('A') }, [item('A', 1, gd(6))], prog))
      .toEqual({ targetLevel: { frameworkId: 'gd-ltlqf', version: '2017', level: 6 } });
  });

  it('reads a programme level only when the framework numbers it, naming the version when one is loaded', () => {
    const loaded = [fw('gd-ltlqf', '2017', 7), fw('eqf', '2008', 8), fw('eqf', '2017', 8)];
    expect(programmeLevel({ framework: 'gd-ltlqf', level: '4' }, loaded)).toEqual({ frameworkId: 'gd-ltlqf', version: '2017', level: 4 });
    expect(programmeLevel({ framework: 'eqf', level: '6' }, loaded)).toEqual({ frameworkId: 'eqf', level: 6 });
    expect(programmeLevel({ framework: 'gd-ltlqf', level: '本科' }, loaded)).toBeUndefined();
    expect(programmeLevel({ framework: 'gd-ltlqf', level: '9' }, loaded)).toBeUndefined();
    expect(programmeLevel({ framework: 'isced-2011', level: '6' }, loaded)).toBeUndefined();
    expect(unknownLevel({ pattern: { minLevel: { frameworkId: 'eqf', version: '2017', level: 9 } } }, loaded)?.pointer).toBe('/body/definition/pattern/minLevel');
  });
});
