import type { FrameworkFile, LevelMapping, LevelRef, ReferencingStudy, Source } from './framework-schema.js';

/** One published hop behind an equivalent: which mapping, read in which direction. */
export interface MappingHop {
  from: LevelRef;
  to: LevelRef;
  status: LevelMapping['status'];
  reversed: boolean; // true when a bidirectional mapping was read from its `to` side
  source: Source;
  note: string;
}

export interface Equivalent {
  framework: string;
  version: string;
  level: number;
  status: LevelMapping['status'];
  // direct: one published mapping; derived: two OFFICIAL hops through a third framework,
  // which no body has published as such
  via: 'direct' | 'derived';
  hops: MappingHop[];
  note: string;
}

export type EquivalentsResult =
  | { query: LevelRef; found: true; equivalents: Equivalent[] }
  | { query: LevelRef; found: false; reason: 'no published mapping'; studies: ReferencingStudy[] };

interface EquivalentsData {
  frameworks: FrameworkFile[];
  mappings: LevelMapping[];
  studies: ReferencingStudy[];
}

const sameRef = (a: LevelRef, b: LevelRef) =>
  a.framework === b.framework && a.version === b.version && a.level === b.level;

// Every hop leaving `ref`: mappings as published, and bidirectional ones read backwards.
function hopsFrom(mappings: LevelMapping[], ref: LevelRef): MappingHop[] {
  const hops: MappingHop[] = [];
  for (const m of mappings) {
    const base = { status: m.status, source: m.source, note: m.note };
    if (sameRef(m.from, ref)) hops.push({ ...base, from: m.from, to: m.to, reversed: false });
    else if (m.direction === 'bidirectional' && sameRef(m.to, ref)) hops.push({ ...base, from: m.to, to: m.from, reversed: true });
  }
  return hops;
}

const key = (r: LevelRef) => `${r.framework}@${r.version}#${r.level}`;

function derived(mappings: LevelMapping[], query: LevelRef, direct: Equivalent[]): Equivalent[] {
  const taken = new Set(direct.map((e) => key(e)));
  const out = new Map<string, Equivalent>();
  for (const first of hopsFrom(mappings, query)) {
    if (first.status !== 'official') continue;
    for (const second of hopsFrom(mappings, first.to)) {
      const k = key(second.to);
      // Only through a third framework, never back into the query's own framework.
      if (second.status !== 'official' || second.to.framework === query.framework || taken.has(k) || out.has(k)) continue;
      out.set(k, {
        ...second.to, status: 'official', via: 'derived', hops: [first, second],
        note: `Derived through ${first.to.framework} level ${first.to.level}: both hops are official, but this pair is not itself published.`,
      });
    }
  }
  return [...out.values()];
}

/**
 * Levels that published mappings declare equivalent to `frameworkId@version` level `level`:
 * direct mappings and reversed bidirectional ones, plus two-hop results only when both hops are
 * official (marked `via: 'derived'`). Throws on an unknown framework, version or level.
 */
export function findEquivalents(data: EquivalentsData, frameworkId: string, version: string, level: number): EquivalentsResult {
  const query: LevelRef = { framework: frameworkId, version, level };
  const fw = data.frameworks.find((f) => f.id === frameworkId && f.version === version);
  if (!fw) throw new RangeError(`unknown framework ${frameworkId} version ${version}`);
  if (!Number.isInteger(level) || level < 1 || level > fw.levels.length) {
    throw new RangeError(`${frameworkId} ${version} has no level ${level}`);
  }
  const direct = hopsFrom(data.mappings, query).map((hop): Equivalent => ({
    ...hop.to, status: hop.status, via: 'direct', hops: [hop],
    note: hop.reversed ? `Read in reverse from a bidirectional mapping. ${hop.note}` : hop.note,
  }));
  const equivalents = [...direct, ...derived(data.mappings, query, direct)];
  if (equivalents.length > 0) return { query, found: true, equivalents };
  const studies = data.studies.filter((s) => s.frameworks.includes(frameworkId));
  return { query, found: false, reason: 'no published mapping', studies };
}
