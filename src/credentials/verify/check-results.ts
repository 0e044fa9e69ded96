import type { JsonObject } from '../core/did-key.js';

export type CheckName = 'proof' | 'issuer' | 'status' | 'validity' | 'shape' | 'vcdm' | 'ledger';
export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult { check: CheckName; status: CheckStatus; code?: string; message: string }

export const pass = (check: CheckResult['check'], message: string): CheckResult => ({ check, status: 'pass', message });
export const fail = (check: CheckResult['check'], code: string, message: string): CheckResult => ({ check, status: 'fail', code, message });
export const skip = (check: CheckResult['check'], code: string, message: string): CheckResult => ({ check, status: 'skip', code, message });

export interface CredentialSummary {
  id?: string; types: string[]; format: string;
  issuer: { id?: string; name?: string; known: boolean };
  subject: { id?: string; hashedIdentifier: boolean };
  name?: string; achievement?: { name?: string; type?: string; creditsAvailable?: number };
  creditsEarned?: number; validFrom?: string; validUntil?: string;
  /** The subject's first result value (e.g. "85", "优") and when the learning was completed, as the issuer states them. */
  result?: string; activityEndDate?: string;
}

/** The verifier's answer: VC-API fields (checks passed, warnings, errors) plus each check in detail. */
export interface VerificationReport {
  verified: boolean;
  /** The code of the deciding failure, e.g. "credential_revoked"; absent when verified. */
  reason?: string;
  checks: string[];
  warnings: { check: string; code?: string; message: string }[];
  errors: { check: string; code?: string; message: string }[];
  results: CheckResult[];
  summary: CredentialSummary;
  credential?: JsonObject;
}

// When several checks fail, the one named in `reason` is the most specific: a revoked key or an
// unknown issuer explains a failing proof, and a bad proof makes the rest moot.
const PRIORITY: CheckName[] = ['issuer', 'proof', 'status', 'validity', 'shape', 'vcdm', 'ledger'];

export function report(results: CheckResult[], summary: CredentialSummary, credential?: JsonObject): VerificationReport {
  const failed = results.filter((r) => r.status === 'fail');
  const keyRevoked = failed.find((r) => r.code === 'key_revoked');
  const first = keyRevoked ?? PRIORITY.map((c) => failed.find((r) => r.check === c)).find((r) => r !== undefined);
  return {
    verified: failed.length === 0,
    ...(first ? { reason: first.code ?? first.check } : {}),
    checks: results.filter((r) => r.status === 'pass').map((r) => r.check),
    warnings: results.filter((r) => r.status === 'skip').map((r) => ({ check: r.check, code: r.code, message: r.message })),
    errors: failed.map((r) => ({ check: r.check, code: r.code, message: r.message })),
    results, summary, ...(credential ? { credential } : {}),
  };
}
