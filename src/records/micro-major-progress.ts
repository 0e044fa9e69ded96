import { Decimal } from 'decimal.js';
import type { CompletionRule } from '../catalogue/catalogue.types.js';

/** One component of a micro-major and whether the learner holds it. Credits are decimal strings. */
export interface ComponentState {
  id: string;
  code: string;
  credits: string | null;
  done: boolean;
  /** Credits the learner earned for it (≤ the component's credits), when done. */
  earnedCredits: string | null;
  achievementId: string | null;
}

export interface CompletionProgress {
  complete: boolean;
  rule: CompletionRule;
  done: ComponentState[];
  missing: ComponentState[];
  /** What is still needed: a number of components, or credits (exact decimal string). */
  remaining: { components: number } | { credits: string };
  explanation: string;
}

// A component counts for no more than it is worth, so an over-reported deposit cannot finish a micro-major early.
function counted(c: ComponentState): Decimal {
  const earned = new Decimal(c.earnedCredits ?? c.credits ?? 0);
  return c.credits === null ? earned : Decimal.min(earned, new Decimal(c.credits));
}

/** Evaluates a micro-major's completion rule over its components. Pure: no I/O, no clock. */
export function evaluateCompletion(rule: CompletionRule, components: ComponentState[]): CompletionProgress {
  const done = components.filter((c) => c.done);
  const missing = components.filter((c) => !c.done);
  if (rule.type === 'all') {
    return { complete: missing.length === 0, rule, done, missing, remaining: { components: missing.length },
      explanation: `all ${components.length} components: ${done.length} done, ${missing.length} missing` };
  }
  if (rule.type === 'n-of') {
    const left = Math.max(0, rule.n - done.length);
    return { complete: left === 0, rule, done, missing, remaining: { components: left },
      explanation: `${rule.n} of ${components.length} components: ${done.length} done${left ? `, ${left} more needed` : ''}` };
  }
  const required = new Decimal(rule.credits);
  const earned = done.reduce((sum, c) => sum.plus(counted(c)), new Decimal(0));
  const left = Decimal.max(0, required.minus(earned));
  return { complete: left.isZero(), rule, done, missing, remaining: { credits: left.toFixed() },
    explanation: `at least ${required.toFixed()} credits: ${earned.toFixed()} earned${left.isZero() ? '' : `, ${left.toFixed()} more needed`}` };
}
