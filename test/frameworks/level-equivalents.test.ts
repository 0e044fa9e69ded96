import { describe, expect, it } from 'vitest';
import { findEquivalents, loadFrameworkFiles } from '../../src/frameworks/framework-files.js';
import type { FrameworkFile, LevelMapping, ReferencingStudy } from '../../src/frameworks/framework-schema.js';

const fw = (id: string, n: number): FrameworkFile => ({
  kind: 'framework', id, version: '1', name: { en: id }, sources: [{ title: 't', date: 'd' }],
  domains: [{ id: 'k', name: { en: 'k' } }], creditSystem: null, creditNote: 'none',
  levels: Array.from({ length: n }, (_, i) => ({ level: i + 1, descriptors: { k: 'x' } })),
});
const map = (a: [string, number], b: [string, number], status: 'official' | 'provisional', direction: 'bidirectional' | 'one-way' = 'bidirectional'): LevelMapping => ({
  from: { framework: a[0], version: '1', level: a[1] }, to: { framework: b[0], version: '1', level: b[1] },
  status, direction, source: { title: `${a[0]}-${b[0]}`, date: '2020' }, note: 'n',
});
const frameworks = [fw('a', 5), fw('b', 5), fw('c', 5), fw('d', 5)];
const studies: ReferencingStudy[] = [{ frameworks: ['d', 'a'], status: 'official', source: { title: 'study', date: '2016' }, note: 'n' }];

describe('findEquivalents', () => {
  it('returns a direct mapping with its source', () => {
    const r = findEquivalents({ frameworks, studies, mappings: [map(['a', 2], ['b', 3], 'official')] }, 'a', '1', 2);
    expect(r.found && r.equivalents.map((e) => [e.framework, e.level, e.via, e.hops[0]!.source.title])).toEqual([['b', 3, 'direct', 'a-b']]);
  });

  it('reads bidirectional mappings backwards but never one-way ones', () => {
    const mappings = [map(['a', 2], ['b', 3], 'official'), map(['c', 1], ['b', 3], 'official', 'one-way')];
    const r = findEquivalents({ frameworks, studies, mappings }, 'b', '1', 3);
    expect(r.found && r.equivalents.map((e) => [e.framework, e.level, e.hops[0]!.reversed])).toEqual([['a', 2, true]]);
  });

  it('never chains two published mappings through a third framework, even when both are official', () => {
    const official = [map(['a', 2], ['b', 3], 'official'), map(['b', 3], ['c', 4], 'official')];
    const r = findEquivalents({ frameworks, studies, mappings: official }, 'a', '1', 2);
    expect(r.found && r.equivalents.map((e) => [e.framework, e.level, e.via, e.hops.length])).toEqual([['b', 3, 'direct', 1]]);
    const onlyChain = findEquivalents({ frameworks, studies, mappings: official }, 'c', '1', 4);
    expect(onlyChain.found && onlyChain.equivalents.map((e) => e.framework)).toEqual(['b']);
    const r2 = findEquivalents({ frameworks, studies, mappings: [map(['a', 2], ['b', 3], 'official'), map(['b', 3], ['c', 4], 'official', 'one-way')] }, 'a', '1', 2);
    expect(r2.found && r2.equivalents.some((e) => e.framework === 'c')).toBe(false);
  });

  it('names the published mapping each equivalent rests on', () => {
    const r = findEquivalents({ frameworks, studies, mappings: [map(['a', 2], ['b', 3], 'official')] }, 'b', '1', 3);
    expect(r.found && r.equivalents[0]!.hops[0]).toMatchObject({ status: 'official', reversed: true, source: { title: 'a-b' }, from: { framework: 'b', level: 3 }, to: { framework: 'a', level: 2 } });
  });

  it('keeps provisional direct mappings, labelled provisional', () => {
    const r = findEquivalents({ frameworks, studies, mappings: [map(['a', 1], ['b', 1], 'provisional')] }, 'a', '1', 1);
    expect(r.found && r.equivalents[0]!.status).toBe('provisional');
  });

  it('answers "no published mapping" and lists studies that mention the framework', () => {
    const r = findEquivalents({ frameworks, studies, mappings: [map(['b', 1], ['c', 1], 'official')] }, 'a', '1', 1);
    expect(r).toMatchObject({ found: false, reason: 'no published mapping' });
    expect(!r.found && r.studies.map((s) => s.source.title)).toEqual(['study']);
  });

  it('answers "unknown framework level" (never throws) for an unknown framework, version or level', () => {
    const data = { frameworks, studies, mappings: [map(['a', 1], ['b', 1], 'official')] };
    for (const [id, version, level, detail] of [['zz', '1', 1, /unknown framework zz/], ['a', '2', 1, /unknown framework a version 2/], ['a', '1', 6, /no level 6/], ['a', '1', 1.5, /no level 1.5/]] as const) {
      const r = findEquivalents(data, id, version, level);
      expect(r).toMatchObject({ found: false, reason: 'unknown framework level' });
      expect(!r.found && r.reason === 'unknown framework level' && r.detail).toMatch(detail);
    }
  });

  it('on the shipped data, finds SCQF 9 and 10 and AQF 7 for EQF 6, and nothing published for HKQF', () => {
    const data = loadFrameworkFiles();
    const r = findEquivalents(data, 'eqf', '2017', 6);
    expect(r.found && r.equivalents.map((e) => `${e.framework}:${e.level}:${e.status}`).sort())
      .toEqual(['aqf:7:provisional', 'scqf:10:official', 'scqf:9:official']);
    const hk = findEquivalents(data, 'hkqf', '2018', 5);
    expect(hk.found).toBe(false);
    expect(!hk.found && hk.studies.length).toBeGreaterThan(0);
  });
});
