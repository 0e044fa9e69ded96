import { Decimal } from 'decimal.js';
import { TextMemo } from './text-memo.js';

/** A credit system: how many notional learning hours one credit stands for. */
export interface CreditSystem {
  id: string; // e.g. 'ects', 'hkqf', 'scqf', 'cn-university-16h'
  name: { en: string; zh?: string };
  hoursPerCredit: { min: string; max: string }; // exact decimal strings, e.g. ECTS {min:'25',max:'30'}
}

export interface CreditConversion {
  credits: Decimal; // result, rounded DOWN to a multiple of `step`
  unrounded: Decimal;
  hours: Decimal; // the notional hours the result rests on
  basis: string; // human-readable explanation of every step
  from: string;
  to: string;
  step: Decimal;
}

/**
 * The most credit one catalogue item, achievement or recognition grant carries (a whole
 * qualification is 60–480 in any system we ship), and the places every stored amount has (the
 * columns are numeric(10,2)). An amount with more places is refused, never rounded: rounding a grant
 * or a deposit would change what the institution stated.
 */
export const MAX_CREDITS = new Decimal(1000);
export const CREDIT_PLACES = 2;

/** Why an amount of credit cannot be stored as stated, or undefined when it can. */
export function creditAmountProblem(amount: Decimal): { code: string; message: string } | undefined {
  if (amount.isNegative()) return { code: 'negative_credits', message: 'credits must be ≥ 0' };
  if (amount.decimalPlaces() > CREDIT_PLACES) return { code: 'credits_precision', message: `credits have at most ${CREDIT_PLACES} decimal places` };
  if (amount.gt(MAX_CREDITS)) return { code: 'credits_too_large', message: `credits are at most ${MAX_CREDITS.toString()} for one item` };
  return undefined;
}

/** Step used when the caller gives none: half credits are the finest unit most systems record. */
export const DEFAULT_CREDIT_STEP = '0.5';

// Division by e.g. 30 h never terminates; the working precision is generous and truncates, so an
// inexact quotient can only err downward, and roundDownToStep corrects any residue exactly.
const Exact = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_DOWN });

// Exact values by text (see PARSED in grading.ts): credit amounts, steps and hour bounds
// repeat a handful of strings, and Decimals are immutable.
const EXACT = new TextMemo<Decimal>();

function toExact(value: Decimal.Value, what: string): Decimal {
  const text = Decimal.isDecimal(value) ? value.toString() : value;
  if (typeof text === 'string') {
    const hit = EXACT.get(text);
    if (hit) return hit;
  }
  let d: Decimal;
  try {
    d = new Exact(text);
  } catch {
    throw new RangeError(`${what} is not a decimal number: ${String(value)}`);
  }
  if (!d.isFinite()) throw new RangeError(`${what} must be finite: ${String(value)}`);
  return typeof text === 'string' ? EXACT.set(text, d) : d;
}

const fromExact = (d: Decimal): Decimal => new Decimal(d.toString());

/** Largest multiple of `step` that is ≤ `value` (floor, also for negative values); step must be > 0. */
export function roundDownToStep(value: Decimal.Value, step: Decimal.Value): Decimal {
  const v = toExact(value, 'value');
  const s = toExact(step, 'step');
  if (s.lte(0)) throw new RangeError(`step must be > 0, got ${s.toString()}`);
  let q = v.div(s).floor();
  // Guard against any rounding in div/times: the result must never exceed the value.
  while (q.times(s).gt(v)) q = q.minus(1);
  while (q.plus(1).times(s).lte(v)) q = q.plus(1);
  const r = q.times(s);
  return fromExact(r.isZero() ? new Exact(0) : r);
}

// Per system object: systems are values (framework data, never changed in place).
const BOUNDS = new WeakMap<CreditSystem, { min: Decimal; max: Decimal }>();

/** Checks a credit system's hour range: both bounds positive and min ≤ max. Returns the bounds. */
export function hourBounds(system: CreditSystem): { min: Decimal; max: Decimal } {
  const known = BOUNDS.get(system);
  if (known) return known;
  const min = toExact(system.hoursPerCredit.min, `${system.id}.hoursPerCredit.min`);
  const max = toExact(system.hoursPerCredit.max, `${system.id}.hoursPerCredit.max`);
  if (min.lte(0)) throw new RangeError(`${system.id}: hoursPerCredit.min must be > 0`);
  if (max.lt(min)) throw new RangeError(`${system.id}: hoursPerCredit.min must be ≤ max`);
  const b = { min, max };
  BOUNDS.set(system, b);
  return b;
}

const label = (s: CreditSystem): string => s.id.toUpperCase();
const fmt = (d: Decimal): string => d.toDecimalPlaces(6, Decimal.ROUND_DOWN).toString();

function rangeNote(b: { min: Decimal; max: Decimal }, bound: 'lower' | 'upper'): string {
  return b.min.eq(b.max) ? '' : ` (${bound} bound)`;
}

interface HoursBasis {
  hours: Decimal;
  text: string;
}

// Hours the amount rests on. The lower bound of the source range is taken (fewer hours → fewer
// target credits). The item's own hours are honoured when lower, but capped at what its credit
// value can stand for, so an inflated hour count cannot create credit.
function sourceHours(amount: Decimal, from: CreditSystem, ownHours?: Decimal.Value): HoursBasis {
  const b = hourBounds(from);
  const byCredit = amount.times(b.min);
  const creditText = `${fmt(amount)} ${label(from)} × ${fmt(b.min)} h${rangeNote(b, 'lower')} = ${fmt(byCredit)} h`;
  if (ownHours === undefined) return { hours: byCredit, text: creditText };
  const own = toExact(ownHours, 'hours');
  if (own.lt(0)) throw new RangeError(`hours must be ≥ 0, got ${own.toString()}`);
  const cap = amount.times(b.max);
  if (own.gt(cap)) {
    return { hours: cap, text: `item's ${fmt(own)} h capped at ${fmt(amount)} ${label(from)} × ${fmt(b.max)} h = ${fmt(cap)} h` };
  }
  return { hours: own, text: `item's own notional hours = ${fmt(own)} h` };
}

/** Convert credits between systems by notional hours; never creates credit (uses the bound that favours the lower result). */
export function convertCredits(
  amount: Decimal.Value,
  from: CreditSystem,
  to: CreditSystem,
  opts: { step?: Decimal.Value; hours?: Decimal.Value } = {},
): CreditConversion {
  const a = toExact(amount, 'amount');
  if (a.lt(0)) throw new RangeError(`amount must be ≥ 0, got ${a.toString()}`);
  const step = toExact(opts.step ?? DEFAULT_CREDIT_STEP, 'step');
  if (step.lte(0)) throw new RangeError(`step must be > 0, got ${step.toString()}`);
  const src = sourceHours(a, from, opts.hours);
  const tb = hourBounds(to);
  // The upper bound of the target range gives the fewest target credits for the same hours.
  const unrounded = src.hours.div(tb.max);
  const credits = roundDownToStep(unrounded, step);
  const basis =
    `${src.text}; ÷ ${fmt(tb.max)} h per ${label(to)} credit${rangeNote(tb, 'upper')} = ` +
    `${fmt(unrounded)} → ${credits.toString()} (step ${fmt(step)})`;
  return {
    credits,
    unrounded: fromExact(unrounded),
    hours: fromExact(src.hours),
    basis,
    from: from.id,
    to: to.id,
    step: fromExact(step),
  };
}
