import { Decimal } from 'decimal.js';

/**
 * Credits as exact integers: every value times 10^k, k the most decimal places among them. Sums
 * and comparisons of such integers agree with Decimal arithmetic while they stay below 2^53
 * (checked), and a cap R compares exactly as ⌊R·10^k⌋ because every sum of units is an integer.
 */
export interface CreditUnits {
  scale: Decimal; // 10^k
  units: number[]; // per value, in input order
}

/** Smallest power of ten that makes every credit value an integer. */
export function unitScale(values: readonly Decimal[]): Decimal {
  let places = 0;
  for (const v of values) places = Math.max(places, v.decimalPlaces());
  return new Decimal(10).pow(places);
}

function safe(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`recognition engine: ${what} does not fit exact integer units`);
  return n;
}

/** One value in units of `scale` (exact: the scale covers its decimal places). */
export function toUnits(value: Decimal, scale: Decimal): number {
  // Scale 1 (whole credits, the usual case): the value is already an integer, no product needed.
  // (`e` is the scale's decimal exponent: 10^k has e = k, so e = 0 is scale 1; `eq(1)` would allocate.)
  if (scale.e === 0) return safe(value.toNumber(), `credit value ${value}`);
  // value·10^k is an integer N (the scale covers the value's places); the float product is within
  // N·2^-52 of it, so rounding is exact while |N| < 2^51, and it costs no Decimal product.
  const n = Math.round(value.toNumber() * 10 ** scale.e);
  return Math.abs(n) < FLOAT_EXACT ? n : safe(value.times(scale).toNumber(), `credit value ${value}`);
}

const FLOAT_EXACT = 2 ** 51;

export function creditUnits(values: readonly Decimal[], scale = unitScale(values)): CreditUnits {
  // Candidates of one rule share its Decimal objects, so each distinct object is scaled once.
  const seen = new Map<Decimal, number>();
  const units = values.map((v) => {
    let u = seen.get(v);
    if (u === undefined) seen.set(v, (u = toUnits(v, scale)));
    return u;
  });
  safe(units.reduce((s, u) => s + u, 0), 'the sum of candidate credits');
  return { scale, units };
}

const gcd = (a: number, b: number): number => {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
};

/**
 * The greatest common divisor of the units (1 when there is none above 1). Every sum of units is a
 * multiple of it, so `Σ u ≤ R` holds exactly when `Σ (u / g) ≤ ⌊R / g⌋`: dividing units by it and
 * flooring caps changes no decision, and the capacity DP then walks g times fewer totals (credits
 * of 1.5, 2 and 2.5 are 15, 20 and 25 units of 0.1, i.e. 3, 4 and 5 of 0.5).
 */
export function commonDivisor(units: readonly number[]): number {
  let g = 0;
  for (const u of units) if (u !== 0 && (g = gcd(g, Math.abs(u))) === 1) return 1;
  return g === 0 ? 1 : g;
}

/** A cap in the same units: the largest integer total that does not exceed it. */
export function capUnits(remaining: Decimal, scale: Decimal): number {
  // A whole-number cap (the usual case) times 10^k is an integer: no Decimal product is needed
  // while it stays well inside the exact range of floats (see toUnits).
  if (remaining.isInteger()) {
    const n = Math.round(remaining.toNumber() * 10 ** scale.e);
    if (Math.abs(n) < FLOAT_EXACT) return n;
  }
  const d = remaining.times(scale).floor();
  // Beyond 2^53 the cap exceeds every (checked) sum of units, so clamping keeps comparisons exact.
  return d.gt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : d.toNumber();
}
