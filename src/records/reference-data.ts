import type { CreditSystem } from '../frameworks/credit-arithmetic.js';
import { toCreditSystem } from '../frameworks/framework-files.js';
import type { FrameworkSnapshot } from '../frameworks/framework-snapshot.service.js';
import type { GradeConversionTable, GradingScheme } from '../frameworks/grading.js';

/** Why a framework level reference does not name a loaded level (undefined when it does). */
export type LevelProblem = 'unknown_framework' | 'unknown_framework_version' | 'unknown_level';

/** The framework data the record needs, indexed once per loaded snapshot of the frameworks. */
export interface RecordReference {
  gradingScheme(id: string): GradingScheme | undefined;
  /** The credit system, or undefined when unknown; `convertible` is false without hours per credit. */
  creditSystem(id: string): { system: CreditSystem | undefined; known: boolean };
  /** ISCED-F broad field of a code (first two digits), with its names. */
  field(iscedCode: string | null): { code: string; name: { en: string; zh?: string } } | null;
  /** Undefined when `level` exists in framework `frameworkId` version `version`. */
  levelProblem(frameworkId: string, version: string, level: number): LevelProblem | undefined;
  /** A broad, narrow or detailed code of a loaded ISCED-F version. */
  iscedCodeKnown(code: string): boolean;
  /** Every loaded grade-conversion table (the audit compares minimum results through them). */
  gradeConversions: readonly GradeConversionTable[];
}

/** Indexes a snapshot of the loaded (database) framework data. */
export function recordReference(data: FrameworkSnapshot): RecordReference {
  const schemes = new Map(data.gradingSchemes.map((s) => [s.id, s as GradingScheme]));
  const systems = new Map(data.creditSystems.map((s) => [s.id, s]));
  const fields = new Map<string, { en: string; zh?: string }>();
  for (const file of data.isced) for (const b of file.broad) fields.set(b.code, b.name);
  const levels = new Map(data.frameworks.map((f) => [`${f.id}@${f.version}`, f.levels.length]));
  const frameworkIds = new Set(data.frameworks.map((f) => f.id));
  return {
    gradingScheme: (id) => schemes.get(id),
    creditSystem(id) {
      const entry = systems.get(id);
      return { known: entry !== undefined, system: entry?.hoursPerCredit ? toCreditSystem(entry) : undefined };
    },
    field(code) {
      if (code === null || code.length < 2) return null;
      const broad = code.slice(0, 2);
      return { code: broad, name: fields.get(broad) ?? { en: `ISCED-F ${broad}` } };
    },
    levelProblem(frameworkId, version, level) {
      if (!frameworkIds.has(frameworkId)) return 'unknown_framework';
      const n = levels.get(`${frameworkId}@${version}`);
      if (n === undefined) return 'unknown_framework_version';
      return Number.isInteger(level) && level >= 1 && level <= n ? undefined : 'unknown_level';
    },
    iscedCodeKnown: (code) => data.iscedCodes.has(code),
    gradeConversions: data.gradeConversions as GradeConversionTable[],
  };
}

/** The framework ids a set of deposits names (their items' grading schemes, their learning's references). */
export interface ReferenceNeeds { gradingSchemes: string[]; creditSystems: string[]; frameworks: string[] }

interface NeedsInput {
  learning?: { gradingSchemeId?: string; creditSystemId?: string; level?: { frameworkId: string; frameworkVersion: string } } | null;
}

export function referenceNeeds(inputs: NeedsInput[], items: { gradingSchemeId: string; creditSystemId: string | null }[]): ReferenceNeeds {
  const n: ReferenceNeeds = { gradingSchemes: [], creditSystems: [], frameworks: [] };
  for (const i of items) {
    n.gradingSchemes.push(i.gradingSchemeId);
    if (i.creditSystemId !== null) n.creditSystems.push(i.creditSystemId);
  }
  for (const { learning: l } of inputs) {
    if (l?.gradingSchemeId !== undefined) n.gradingSchemes.push(l.gradingSchemeId);
    if (l?.creditSystemId !== undefined) n.creditSystems.push(l.creditSystemId);
    if (l?.level !== undefined) n.frameworks.push(`${l.level.frameworkId}@${l.level.frameworkVersion}`);
  }
  return n;
}

/** True when the snapshot holds everything `n` names. */
export function covers(s: FrameworkSnapshot, n: ReferenceNeeds): boolean {
  return n.gradingSchemes.every((id) => s.gradingSchemes.some((g) => g.id === id))
    && n.creditSystems.every((id) => s.creditSystems.some((c) => c.id === id))
    && n.frameworks.every((key) => s.frameworks.some((f) => `${f.id}@${f.version}` === key));
}
