/**
 * OB 3.0 ResultDescription for a catalogue item's grading scheme: what results the achievement
 * can carry (the ordered grades, or the numeric range) and which one is needed to pass it.
 */
import type { GradingScheme } from '../../frameworks/grading.js';
import type { ResultDescriptionInput } from './builders.js';

/**
 * OB 3.0 ResultType per loaded grading scheme. A scheme not named here is described as the
 * generic "Result" rather than guessed at; pass/fail has no OB term (its "Status" type is about
 * completion status, Result.status), so it uses the spec's `ext:` extension form.
 */
const RESULT_TYPES: Readonly<Record<string, string>> = {
  percentage: 'Percent',
  'letter-af': 'LetterGrade',
  'ects-grade': 'LetterGrade',
  'cn-five-grade': 'PerformanceLevel',
  cefr: 'PerformanceLevel',
  'pass-fail': 'ext:PassFail',
};

export function resultTypeOf(scheme: GradingScheme): string {
  return RESULT_TYPES[scheme.id] ?? 'Result';
}

/** The id a Result uses to point at the description: a fragment of the achievement's id. */
export function resultDescriptionId(achievementId: string, scheme: GradingScheme): string {
  return `${achievementId}#result-${encodeURIComponent(scheme.id)}`;
}

/**
 * The description of results under `scheme`: ordinal schemes list their grades lowest first
 * (allowedValue is ordered low to high in OB 3.0) and require the lowest passing grade; numeric
 * schemes give their range and require the pass mark when the scheme has one.
 */
export function resultDescriptionFor(achievementId: string, scheme: GradingScheme): ResultDescriptionInput {
  const base = {
    id: resultDescriptionId(achievementId, scheme),
    name: [scheme.name.zh, scheme.name.en].filter(Boolean).join(' '),
    resultType: resultTypeOf(scheme),
  };
  if (scheme.kind === 'ordinal') {
    const grades = scheme.grades ?? [];
    return { ...base, allowedValue: grades.map((g) => g.code), requiredValue: grades.find((g) => g.passing)?.code };
  }
  return { ...base, valueMin: scheme.min, valueMax: scheme.max, requiredValue: scheme.pass };
}
