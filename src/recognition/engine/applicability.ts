import type { EvalContext } from './context.js';
import type { Failure } from './conditions.js';
import { withinDates } from './dates.js';
import { institutionName } from './display.js';
import type { AgreementWindow, Rule } from './types.js';

function memberOn(agreement: AgreementWindow, institutionId: string, date: string): boolean {
  return agreement.members.some((m) =>
    m.institutionId === institutionId && withinDates(date, m.joinedOn, m.leftOn));
}

/**
 * Whether a rule is in force on the evaluation date for these source institutions: its own
 * effective dates and, for an agreement's rule, the agreement's dates and both parties'
 * membership on that date (a party that left stops benefiting from that date, not before).
 * One source institution may be given as a string (no array per check on the common path).
 */
export function ruleInForce(rule: Rule, sourceInstitutionIds: string | readonly string[], ctx: EvalContext): Failure {
  const date = ctx.date;
  if (!withinDates(date, rule.effectiveFrom, rule.effectiveTo)) {
    const label = `rule ${rule.id} v${rule.version}`;
    return { reason: 'not_effective', text: `${label} is effective ${rule.effectiveFrom} to ${rule.effectiveTo ?? 'open'}, not on ${date}` };
  }
  if (rule.owner.kind !== 'agreement') return null;
  const agreement = ctx.input.agreements?.find((a) => a.id === rule.owner.id);
  if (!agreement || !withinDates(date, agreement.effectiveFrom, agreement.effectiveTo)) {
    return { reason: 'not_effective', text: `agreement ${agreement?.name ?? rule.owner.id} of rule ${rule.id} v${rule.version} is not in force on ${date}` };
  }
  const parties = [ctx.input.target.institutionId, ...(typeof sourceInstitutionIds === 'string' ? [sourceInstitutionIds] : sourceInstitutionIds)];
  const outside = parties.find((p) => !memberOn(agreement, p, date));
  return outside === undefined ? null
    : { reason: 'not_effective', text: `${institutionName(ctx.input.names, outside)} is not a party to agreement ${agreement.name ?? agreement.id} on ${date}` };
}

/** A rule for another programme of the target does not concern this evaluation at all. */
export function ruleConcernsTarget(rule: Rule, ctx: EvalContext): boolean {
  return rule.programmeId === undefined || rule.programmeId === ctx.input.target.programmeId;
}
