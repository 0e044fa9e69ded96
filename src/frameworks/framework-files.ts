import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Compile } from 'typebox/compile';
import type { CreditSystem } from './credit-arithmetic.js';
import { checkFrameworkData, type LoadedFile } from './framework-checks.js';
import { FILE_SCHEMAS, type FileKind } from './framework-schema.js';
import type {
  CreditSystemEntry, FrameworkFile, GradeConversionEntry, GradingSchemeEntry, IscedFile,
  LevelMapping, ReferencingStudy,
} from './framework-schema.js';

export { findEquivalents } from './level-equivalents.js';
export type { Equivalent, EquivalentsResult } from './level-equivalents.js';

/** Everything under frameworks/, validated and cross-checked. */
export interface FrameworkData {
  frameworks: FrameworkFile[];
  creditSystems: CreditSystemEntry[];
  mappings: LevelMapping[];
  studies: ReferencingStudy[];
  gradingSchemes: GradingSchemeEntry[];
  gradeConversions: GradeConversionEntry[];
  isced: IscedFile[];
}

/** A data file that failed to parse or validate; `file` and `path` (JSON pointer) locate the fault. */
export class FrameworkFileError extends Error {
  override readonly name = 'FrameworkFileError';
  constructor(readonly file: string, readonly path: string, readonly detail: string) {
    super(`${file}: ${path || '/'}: ${detail}`);
  }
}

const VALIDATORS = Object.fromEntries(
  Object.entries(FILE_SCHEMAS).map(([kind, schema]) => [kind, Compile(schema)]),
) as { [K in FileKind]: ReturnType<typeof Compile> };

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

function describe(e: SchemaError): { path: string; detail: string } {
  if (e.keyword === 'required') {
    const missing = (e.params.requiredProperties as string[] | undefined)?.[0] ?? '?';
    return { path: `${e.instancePath}/${missing}`, detail: 'required field missing' };
  }
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params.additionalProperties as string[] | undefined)?.[0] ?? '?';
    return { path: `${e.instancePath}/${extra}`, detail: 'unknown field' };
  }
  if (e.keyword === 'type') return { path: e.instancePath, detail: `expected ${String(e.params.type)}` };
  if (e.keyword === 'const') return { path: e.instancePath, detail: `expected ${JSON.stringify(e.params.allowedValue)}` };
  return { path: e.instancePath, detail: e.message };
}

// Typebox reports every branch of a union; the deepest concrete error is the one a person can fix.
function mostSpecific(errors: SchemaError[]): SchemaError {
  const concrete = errors.filter((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf');
  const pool = concrete.length > 0 ? concrete : errors;
  const depth = (e: SchemaError) => e.instancePath.split('/').length + (e.keyword === 'required' ? 1 : 0);
  return pool.reduce((best, e) => (depth(e) > depth(best) ? e : best));
}

function parseFile(file: string): LoadedFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FrameworkFileError(file, '', `invalid JSON: ${(err as Error).message}`);
  }
  return validateDocument(file, data);
}

/** Validates one parsed document (a file's content, or a document posted by an operator) by its `kind`. */
export function validateDocument(file: string, data: unknown): LoadedFile {
  const kind = (data as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(VALIDATORS, kind)) {
    throw new FrameworkFileError(file, '/kind', `expected one of ${Object.keys(VALIDATORS).join(', ')}`);
  }
  const validator = VALIDATORS[kind as FileKind];
  if (!validator.Check(data)) {
    const errors = [...validator.Errors(data)] as SchemaError[];
    const { path, detail } = describe(mostSpecific(errors));
    throw new FrameworkFileError(file, path, detail);
  }
  return { file, kind: kind as FileKind, data } as LoadedFile;
}

export function assembleFrameworkData(files: LoadedFile[]): FrameworkData {
  const out: FrameworkData = {
    frameworks: [], creditSystems: [], mappings: [], studies: [],
    gradingSchemes: [], gradeConversions: [], isced: [],
  };
  for (const f of files) {
    if (f.kind === 'framework') out.frameworks.push(f.data);
    else if (f.kind === 'credit-systems') out.creditSystems.push(...f.data.creditSystems);
    else if (f.kind === 'level-mappings') {
      out.mappings.push(...f.data.mappings);
      out.studies.push(...f.data.studies);
    } else if (f.kind === 'grading-schemes') out.gradingSchemes.push(...f.data.gradingSchemes);
    else if (f.kind === 'grade-conversions') out.gradeConversions.push(...f.data.gradeConversions);
    else out.isced.push(f.data);
  }
  return out;
}

/** Reads every *.json directly in `dir` (subfolders are ignored), validates shape and cross-file references. */
export function loadFrameworkFiles(dir = 'frameworks'): FrameworkData {
  return assembleFrameworkData(readFrameworkDir(dir));
}

/**
 * The validated files of `dir`, each with its file name, for loaders that must name the file.
 * `crossCheck: false` leaves references between files to the caller, which checks them against
 * what is already loaded (a directory may hold a new version whose older one is only in the database).
 */
export function readFrameworkDir(dir = 'frameworks', opts: { crossCheck?: boolean } = {}): LoadedFile[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.json'))
    .map((d) => d.name)
    .sort();
  const files = names.map((name) => parseFile(join(dir, name)));
  if (opts.crossCheck !== false) checkFrameworkData(files, (file, path, detail) => new FrameworkFileError(file, path, detail));
  return files;
}

/** The arithmetic view of a credit system; throws when the system defines no hours per credit. */
export function toCreditSystem(entry: CreditSystemEntry): CreditSystem {
  if (!entry.hoursPerCredit) {
    throw new RangeError(`credit system ${entry.id} defines no hours per credit, so it cannot be converted by hours`);
  }
  const name = entry.name.zh === undefined ? { en: entry.name.en } : { en: entry.name.en, zh: entry.name.zh };
  return { id: entry.id, name, hoursPerCredit: { ...entry.hoursPerCredit } };
}
