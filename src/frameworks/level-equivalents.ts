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
  // Always one published mapping: levels are never chained through a third framework, because
  // no body has published such a pair (the rule: follow published mappings only).
  via: 'direct';
  /** The published mapping behind this answer (one hop). */
  hops: MappingHop[];
  note: string;
}

export type EquivalentsResult =
  | { query: LevelRef; found: true; equivalents: Equivalent[] }
  | { query: LevelRef; found: false; reason: 'no published mapping'; studies: ReferencingStudy[] }
  | { query: LevelRef; found: false; reason: 'unknown framework level'; detail: string; studies: ReferencingStudy[] };

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

/**
 * Levels that published mappings declare equivalent to `frameworkId@version` level `level`:
 * mappings as published and bidirectional ones read backwards, each naming its mapping. Never
 * chains two mappings. An unknown framework, version or level is an answer (found: false with
 * reason 'unknown framework level'), never an exception, so callers such as the recognition
 * engine treat it as "no reference" rather than failing.
 */
export function findEquivalents(data: EquivalentsData, frameworkId: string, version: string, level: number): EquivalentsResult {
  const query: LevelRef = { framework: frameworkId, version, level };
  const fw = data.frameworks.find((f) => f.id === frameworkId && f.version === version);
  if (!fw) return { query, found: false, reason: 'unknown framework level', detail: `unknown framework ${frameworkId} version ${version}`, studies: [] };
  if (!Number.isInteger(level) || level < 1 || level > fw.levels.length) {
    return { query, found: false, reason: 'unknown framework level', detail: `${frameworkId} ${version} has no level ${level}`, studies: [] };
  }
  const equivalents = hopsFrom(data.mappings, query).map((hop): Equivalent => ({
    ...hop.to, status: hop.status, via: 'direct', hops: [hop],
    note: hop.reversed ? `Read in reverse from a bidirectional mapping. ${hop.note}` : hop.note,
  }));
  if (equivalents.length > 0) return { query, found: true, equivalents };
  const studies = data.studies.filter((s) => s.frameworks.includes(frameworkId));
  return { query, found: false, reason: 'no published mapping', studies };
}
