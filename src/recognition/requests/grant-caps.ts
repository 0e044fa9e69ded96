import { Decimal } from 'decimal.js';
import type { Executor } from '../../db/database.js';
import { invalidField } from '../../errors.js';
import { addMonths } from '../engine/dates.js';
import type { CapsDef } from '../rules/rule-definition.js';
import { fraction } from '../rules/rule-mapping.js';
import type { CreditRow } from './requests.repository.js';

export interface CapRoom { room: Decimal; cap: string }

const sum = (rows: CreditRow[]) => rows.reduce((s, c) => s.plus(c.credits), new Decimal(0));

/**
 * What a reviewer (or an appeal) may still grant under the target's caps policy, with exact
 * decimals and the engine's meaning of each cap: per source institution, per learner per period
 * (credit recognised in the months up to `date`), and per programme (the smaller of `max` and the
 * fraction of the programme's total; every earlier credit at the target counts against it).
 * Undefined when no cap applies. `prior` is the learner's active credit at the target. A source is a
 * bank institution or, for imported credentials, the trust-list entry of their external issuer.
 */
export function capRoom(def: CapsDef | undefined, prior: CreditRow[], sourceInstitutionIds: string[], date: string): CapRoom | undefined {
  if (!def) return undefined;
  const rooms: CapRoom[] = [];
  if (def.perSourceInstitution) {
    for (const inst of sourceInstitutionIds) {
      const used = sum(prior.filter((c) => c.source_institution_ids.includes(inst) || c.source_trust_entry_ids.includes(inst)));
      rooms.push({ room: new Decimal(def.perSourceInstitution).minus(used), cap: `at most ${def.perSourceInstitution} credits from ${inst} (${used} used)` });
    }
  }
  if (def.learnerPeriod) {
    const start = addMonths(date, -def.learnerPeriod.months);
    const used = sum(prior.filter((c) => c.recognised_on > start && c.recognised_on <= date));
    rooms.push({ room: new Decimal(def.learnerPeriod.max).minus(used), cap: `at most ${def.learnerPeriod.max} credits per ${def.learnerPeriod.months} months (${used} used since ${start})` });
  }
  const p = def.programme;
  if (p) {
    const used = sum(prior);
    if (p.max) rooms.push({ room: new Decimal(p.max).minus(used), cap: `programme cap ${p.max} (${used} already recognised)` });
    if (p.fraction && def.programmeTotalCredits) {
      const f = fraction(p.fraction);
      const limit = new Decimal(def.programmeTotalCredits).times(f.numerator).div(f.denominator);
      rooms.push({ room: limit.minus(used), cap: `programme cap ${p.fraction} of ${def.programmeTotalCredits} (${used} already recognised)` });
    }
  }
  const tightest = rooms.sort((a, b) => a.room.comparedTo(b.room))[0];
  return tightest && { room: Decimal.max(tightest.room, 0), cap: tightest.cap };
}

/** Refuses a grant above the room left under the caps, naming the cap and what may still be granted. */
export function assertWithinCaps(room: CapRoom | undefined, credits: Decimal): void {
  if (!room || credits.lte(room.room)) return;
  throw invalidField('/body/credits', 'cap_exceeded',
    `Granting ${credits} credits would exceed the target's cap: ${room.cap}; at most ${room.room} may still be granted (grant that, as a partial approval, or reject)`);
}

export type CapsLookup = (db: Executor, target: string, programmeId: string | null, date: string) => Promise<CapsDef | undefined>;
