import { convertCredits } from '../frameworks/credit-arithmetic.js';
import type { RecordReference } from './reference-data.js';

export interface HomeValue { from: string; credits: string; hours: string | null; converted: string; basis: string }

/**
 * Credits normalised into the home credit system, through notional hours when the line knows
 * them (else the systems' hours per credit). A reason instead when a system defines no hours.
 */
export function toHome(from: string, credits: string, hours: string | null, ref: RecordReference, home: string): HomeValue | { reason: string } {
  if (from === home) return { from, credits, hours, converted: credits, basis: 'already in the home credit system' };
  const src = ref.creditSystem(from).system;
  const dst = ref.creditSystem(home).system;
  if (!src || !dst) return { reason: `${!src ? from : home} defines no hours per credit` };
  const c = convertCredits(credits, src, dst, hours === null ? {} : { hours });
  return { from, credits, hours: c.hours.toFixed(), converted: c.credits.toFixed(), basis: c.basis };
}
