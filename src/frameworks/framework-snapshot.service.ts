import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { FrameworkEntryKind } from '../db/tables/frameworks.js';
import type { LoadedFile } from './framework-checks.js';
import { assembleFrameworkData, type FrameworkData } from './framework-files.js';
import type { FrameworkFile, IscedFile, LevelMapping, ReferencingStudy } from './framework-schema.js';

// Between the files under frameworks/ and the database rows: what a load would write, and the
// loaded rows turned back into the same shapes so the pure checks and lookups can run on them.

export interface PlannedVersion { id: string; version: string; kind: 'framework' | 'isced-f'; document: unknown; hash: string; source: string; pointer: string }
export interface PlannedEntry { kind: FrameworkEntryKind; key: string; document: unknown; hash: string; source: string; pointer: string }
export interface LoadPlan { versions: PlannedVersion[]; entries: PlannedEntry[] }

export const contentHash = (doc: unknown): string =>
  createHash('sha256').update(canonicalize(doc) ?? 'null').digest('hex');

export const mappingKey = (m: LevelMapping): string =>
  `${m.from.framework}@${m.from.version}#${m.from.level}>${m.to.framework}@${m.to.version}#${m.to.level}`;
export const studyKey = (s: ReferencingStudy): string => `${s.frameworks.join('+')}|${s.source.title}`;

function entry(kind: FrameworkEntryKind, key: string, document: unknown, source: string, pointer: string): PlannedEntry {
  return { kind, key, document, hash: contentHash(document), source, pointer };
}

/** Rows a set of validated files stands for; `pointer` locates each row in its file for error messages. */
export function planLoad(files: LoadedFile[]): LoadPlan {
  const plan: LoadPlan = { versions: [], entries: [] };
  for (const f of files) {
    const src = f.file;
    if (f.kind === 'framework' || f.kind === 'isced-f') {
      plan.versions.push({ id: f.data.id, version: f.data.version, kind: f.kind, document: f.data, hash: contentHash(f.data), source: src, pointer: '/version' });
    } else if (f.kind === 'credit-systems') {
      f.data.creditSystems.forEach((c, i) => plan.entries.push(entry('credit-system', c.id, c, src, `/creditSystems/${i}`)));
    } else if (f.kind === 'grading-schemes') {
      f.data.gradingSchemes.forEach((g, i) => plan.entries.push(entry('grading-scheme', g.id, g, src, `/gradingSchemes/${i}`)));
    } else if (f.kind === 'grade-conversions') {
      f.data.gradeConversions.forEach((g, i) => plan.entries.push(entry('grade-conversion', g.id, g, src, `/gradeConversions/${i}`)));
    } else {
      f.data.mappings.forEach((m, i) => plan.entries.push(entry('level-mapping', mappingKey(m), m, src, `/mappings/${i}`)));
      f.data.studies.forEach((s, i) => plan.entries.push(entry('referencing-study', studyKey(s), s, src, `/studies/${i}`)));
    }
  }
  return plan;
}

export interface StoredVersion { id: string; version: string; kind: string; document: unknown; loaded_at: Date }
export interface StoredEntry { kind: string; key: string; document: unknown }

/** Loaded rows as synthetic files (one per version, one per entry kind), for checkFrameworkData. */
export function storedFiles(versions: StoredVersion[], entries: StoredEntry[]): LoadedFile[] {
  const files: LoadedFile[] = versions.map((v) => (v.kind === 'isced-f'
    ? { file: `db:isced-f ${v.id}@${v.version}`, kind: 'isced-f', data: v.document as IscedFile }
    : { file: `db:framework ${v.id}@${v.version}`, kind: 'framework', data: v.document as FrameworkFile }));
  const of = <T>(kind: string) => entries.filter((e) => e.kind === kind).map((e) => e.document as T);
  files.push({ file: 'db:credit-systems', kind: 'credit-systems', data: { kind: 'credit-systems', creditSystems: of('credit-system') } });
  files.push({ file: 'db:grading-schemes', kind: 'grading-schemes', data: { kind: 'grading-schemes', gradingSchemes: of('grading-scheme') } });
  files.push({ file: 'db:grade-conversions', kind: 'grade-conversions', data: { kind: 'grade-conversions', gradeConversions: of('grade-conversion') } });
  files.push({ file: 'db:level-mappings', kind: 'level-mappings', data: { kind: 'level-mappings', mappings: of('level-mapping'), studies: of('referencing-study') } });
  return files;
}

/** Stored rows minus those an incoming plan replaces (same key, same content), plus the incoming files. */
export function mergedFiles(versions: StoredVersion[], entries: StoredEntry[], plan: LoadPlan, incoming: LoadedFile[]): LoadedFile[] {
  const vKeys = new Set(plan.versions.map((v) => `${v.id}@${v.version}`));
  const eKeys = new Set(plan.entries.map((e) => `${e.kind}:${e.key}`));
  return [
    ...storedFiles(versions.filter((v) => !vKeys.has(`${v.id}@${v.version}`)), entries.filter((e) => !eKeys.has(`${e.kind}:${e.key}`))),
    ...incoming,
  ];
}

export interface FrameworkSnapshot extends FrameworkData {
  loadedAt: Map<string, Date>; // `${id}@${version}` → when that version was loaded
  iscedCodes: Set<string>; // every broad, narrow and detailed code of every loaded ISCED-F version
}

export function toSnapshot(versions: StoredVersion[], entries: StoredEntry[]): FrameworkSnapshot {
  const data = assembleFrameworkData(storedFiles(versions, entries));
  const iscedCodes = new Set(data.isced.flatMap((f) => f.broad.flatMap((b) =>
    [b.code, ...b.narrow.flatMap((n) => [n.code, ...n.detailed.map((d) => d.code)])])));
  return { ...data, loadedAt: new Map(versions.map((v) => [`${v.id}@${v.version}`, v.loaded_at])), iscedCodes };
}
