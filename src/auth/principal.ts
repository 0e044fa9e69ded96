/** Who is calling. Decided once per request by the auth hook from the bearer token. */
export type Principal =
  | { kind: 'operator'; clientId: string; scopes: string[] }
  | { kind: 'institution'; clientId: string; institutionId: string; scopes: string[] }
  | { kind: 'learner'; learnerId: string; scopes: string[] }
  | { kind: 'public' };

export type PrincipalKind = Principal['kind'];

export const INSTITUTION_SCOPES = [
  'catalogue:write', 'learners:read', 'learners:write', 'records:read', 'records:write',
  'rules:write', 'recognition:review', 'qualifications:write', 'qualifications:award', 'credentials:issue',
  'clients:write',
] as const;
export type Scope = (typeof INSTITUTION_SCOPES)[number];

/** The actor written to audit trails and ledger entries, e.g. "institution:<id>/client:<id>". */
export function actorOf(p: Principal): string {
  switch (p.kind) {
    case 'operator': return `operator:${p.clientId}`;
    case 'institution': return `institution:${p.institutionId}/client:${p.clientId}`;
    case 'learner': return `learner:${p.learnerId}`;
    case 'public': return 'public';
  }
}

/** Context every service write receives: who, and which request (for the audit trail). */
export interface Actor {
  principal: Principal;
  requestId: string;
}
