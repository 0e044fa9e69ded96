import { forbidden, unauthorized } from '../errors.js';
import type { Principal, PrincipalKind, Scope } from './principal.js';

/**
 * The one place that decides who may do what. Every route declares an Access in its config; the
 * auth hook calls `authorize` before the handler, and services call the `assert*` helpers for
 * checks that need data (e.g. the institution that owns an achievement).
 */
export interface Access {
  allow: PrincipalKind[];
  /** Scope an institution client must hold (operators hold every scope). */
  scope?: Scope;
  /** Route param that names an institution: an institution may act only for itself. */
  institutionParam?: string;
  /** Route param that names a learner: a learner may act only on their own account. */
  learnerParam?: string;
}

export function authorize(access: Access, p: Principal, params: Record<string, string | undefined>): void {
  if (access.allow.includes('public')) return;
  if (p.kind === 'public') throw unauthorized('authentication_required', 'This route needs a bearer token');
  if (!access.allow.includes(p.kind)) throw forbidden('principal_not_allowed', `A ${p.kind} may not call this route`);
  if (p.kind === 'institution') {
    if (access.scope && !p.scopes.includes(access.scope)) {
      throw forbidden('insufficient_scope', `This route needs the scope ${access.scope}`);
    }
    if (access.institutionParam) assertActsForInstitution(p, params[access.institutionParam]);
  }
  if (p.kind === 'learner' && access.learnerParam) assertIsLearner(p, params[access.learnerParam]);
}

export function assertActsForInstitution(p: Principal, institutionId: string | undefined): void {
  if (p.kind === 'operator') return;
  if (p.kind === 'institution' && p.institutionId === institutionId) return;
  throw forbidden('other_institution', 'A client may act only for its own institution');
}

export function assertIsLearner(p: Principal, learnerId: string | undefined): void {
  if (p.kind === 'learner' && p.learnerId === learnerId) return;
  if (p.kind === 'learner') throw forbidden('other_learner', 'A learner may act only on their own account');
}

/** Operators, institutions with the scope, or the learner themself. */
export function assertCanReadLearner(p: Principal, learnerId: string, scope: Scope = 'learners:read'): void {
  if (p.kind === 'operator') return;
  if (p.kind === 'learner') return assertIsLearner(p, learnerId);
  if (p.kind === 'institution' && p.scopes.includes(scope)) return;
  throw forbidden('insufficient_scope', `Reading this learner needs the scope ${scope}`);
}

export const isOperator = (p: Principal) => p.kind === 'operator';
