import type { CreditSystem } from '../frameworks/credit-arithmetic.js';
import type { FrameworkData } from '../frameworks/framework-files.js';
import { toCreditSystem } from '../frameworks/framework-files.js';
import type { GradingScheme } from '../frameworks/grading.js';

/** The framework data the record needs, indexed once per service instance. */
export interface RecordReference {
  gradingScheme(id: string): GradingScheme | undefined;
  /** The credit system, or undefined when unknown; `convertible` is false without hours per credit. */
  creditSystem(id: string): { system: CreditSystem | undefined; known: boolean };
  /** ISCED-F broad field of a code (first two digits), with its names. */
  field(iscedCode: string | null): { code: string; name: { en: string; zh?: string } } | null;
}

export function recordReference(data: FrameworkData): RecordReference {
  const schemes = new Map(data.gradingSchemes.map((s) => [s.id, s as GradingScheme]));
  const systems = new Map(data.creditSystems.map((s) => [s.id, s]));
  const fields = new Map<string, { en: string; zh?: string }>();
  for (const file of data.isced) for (const b of file.broad) fields.set(b.code, b.name);
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
  };
}
