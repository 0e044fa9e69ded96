import { Decimal } from 'decimal.js';
import { TextMemo } from './text-memo.js';

export interface GradingScheme {
  id: string; // 'percentage', 'cn-five-grade', 'letter-af', 'ects-grade', 'cefr', 'pass-fail'
  name: { en: string; zh?: string };
  kind: 'numeric' | 'ordinal';
  // numeric: min/max/pass as decimal strings; ordinal: grades listed from LOWEST to HIGHEST
  min?: string;
  max?: string;
  pass?: string;
  grades?: { code: string; label: { en: string; zh?: string }; passing: boolean }[];
}

export interface GradeConversionTable {
  id: string;
  from: string;
  to: string;
  source: string;
  bands: { from: { min: string; max?: string } | { grade: string }; to: string }[];
}

// Plain decimal notation only: no exponents, hex or surrounding spaces in a recorded result.
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

// Parsed values by text, bounded: results and bounds repeat a few dozen distinct strings, and
// Decimals are immutable, so one instance serves every caller. Parsing them afresh for every rule
// condition made decimal.js's parser the top source of objects promoted to V8's old generation
// (sampling heap profile of survivors), which fed the major collections of a recognition preview.
const PARSED = new TextMemo<Decimal | null>();

/** Parses a decimal string strictly; undefined when it is not plain decimal notation. */
export function parseDecimal(text: string): Decimal | undefined {
  let d = PARSED.get(text); // null: known not to be plain decimal notation
  if (d === undefined) d = PARSED.set(text, DECIMAL_TEXT.test(text) ? new Decimal(text) : null);
  return d ?? undefined;
}

// Parsed bounds per scheme object: grade checks run for every rule condition of an evaluation and
// re-parsed both bounds each time. Schemes are values (framework data, never changed in place).
const bounds = new WeakMap<GradingScheme, { min: Decimal; max: Decimal }>();

function numericBounds(s: GradingScheme): { min: Decimal; max: Decimal } {
  const known = bounds.get(s);
  if (known) return known;
  const min = s.min === undefined ? undefined : parseDecimal(s.min);
  const max = s.max === undefined ? undefined : parseDecimal(s.max);
  if (s.kind !== 'numeric' || !min || !max || min.gt(max)) {
    throw new Error(`grading scheme ${s.id}: numeric scheme needs decimal min ≤ max`);
  }
  bounds.set(s, { min, max });
  return { min, max };
}

function ordinalCodes(s: GradingScheme): string[] {
  if (s.kind !== 'ordinal' || !s.grades || s.grades.length === 0) {
    throw new Error(`grading scheme ${s.id}: ordinal scheme needs a non-empty grades list`);
  }
  return s.grades.map((g) => g.code);
}

export function isValidResult(s: GradingScheme, result: string): boolean {
  if (s.kind === 'ordinal') return ordinalCodes(s).includes(result);
  const { min, max } = numericBounds(s);
  const v = parseDecimal(result);
  return v !== undefined && v.gte(min) && v.lte(max);
}

// Position of a result on the scheme's scale; a number for numeric schemes, an index for ordinal.
function rank(s: GradingScheme, result: string): Decimal {
  // The checks of isValidResult, with the parsed value kept (it was parsed twice).
  let r: Decimal | undefined;
  if (s.kind === 'ordinal') {
    const i = ordinalCodes(s).indexOf(result);
    r = i < 0 ? undefined : new Decimal(i);
  } else {
    const { min, max } = numericBounds(s);
    const v = parseDecimal(result);
    r = v !== undefined && v.gte(min) && v.lte(max) ? v : undefined;
  }
  if (r === undefined) throw new RangeError(`grading scheme ${s.id}: invalid result ${JSON.stringify(result)}`);
  return r;
}

/** Orders two results of one scheme (-1: a is lower); throws on a result the scheme does not allow. */
export function compareResults(s: GradingScheme, a: string, b: string): -1 | 0 | 1 {
  return rank(s, a).comparedTo(rank(s, b)) as -1 | 0 | 1;
}

/** Whether a result passes. A numeric scheme with no pass mark, like CEFR, has no failing result. */
export function isPassing(s: GradingScheme, result: string): boolean {
  const r = rank(s, result);
  if (s.kind === 'ordinal') return s.grades![r.toNumber()]!.passing;
  if (s.pass === undefined) return true;
  const pass = parseDecimal(s.pass);
  if (!pass) throw new Error(`grading scheme ${s.id}: pass mark is not a decimal`);
  return r.gte(pass);
}

type Band = GradeConversionTable['bands'][number];

// Numeric bands are half-open, min ≤ x < max, so adjacent bands never both claim a boundary;
// a band without max is open upward (it closes the top of the scale).
function bandMatches(band: Band, s: GradingScheme, result: string): boolean {
  if ('grade' in band.from) return s.kind === 'ordinal' && band.from.grade === result;
  if (s.kind !== 'numeric') return false;
  const v = new Decimal(result);
  const min = parseDecimal(band.from.min);
  const max = band.from.max === undefined ? undefined : parseDecimal(band.from.max);
  if (!min || (band.from.max !== undefined && !max)) {
    throw new Error(`conversion table: band bounds must be decimals`);
  }
  return v.gte(min) && (max === undefined || v.lt(max));
}

/** Converts a result through a table; undefined when the result is invalid or no band covers it. */
export function convertGrade(
  table: GradeConversionTable,
  from: GradingScheme,
  result: string,
): string | undefined {
  if (table.from !== from.id) {
    throw new Error(`conversion table ${table.id} converts from ${table.from}, not ${from.id}`);
  }
  if (!isValidResult(from, result)) return undefined;
  return table.bands.find((band) => bandMatches(band, from, result))?.to;
}
