/** Why a proof check failed; stable codes the service maps to verifier check results. */
export type ProofErrorCode =
  | 'MALFORMED'            // not a credential / JWT we can parse
  | 'UNSUPPORTED_PROOF'    // proof type or cryptosuite we do not implement
  | 'KEY_NOT_FOUND'        // verification method or its controller could not be resolved
  | 'KEY_NOT_AUTHORIZED'   // key not listed for the proof purpose, or not controlled by the issuer
  | 'INVALID_SIGNATURE'    // signature does not match the (possibly tampered) content
  | 'CLAIM_MISMATCH'       // JWT claims disagree with the credential they carry
  | 'PURPOSE_MISMATCH';    // presentation challenge/domain differ from the expected ones

export interface ProofError {
  code: ProofErrorCode;
  message: string;
}

export type ProofSuiteName = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022' | 'vc+jwt';

export interface ProofVerification {
  verified: boolean;
  /** The suite that was detected (undefined when the input could not be classified). */
  suite?: ProofSuiteName | string;
  verificationMethod?: string;
  /** The credential the proof covers (for a JWT: the decoded payload credential). */
  credential?: Record<string, unknown>;
  errors: ProofError[];
}

export const proofError = (code: ProofErrorCode, message: string): ProofError => ({ code, message });

/** Classifies a library error message into a stable code. */
export function classifyLibraryError(error: unknown): ProofError {
  const e = error as { message?: string; code?: string; name?: string; errors?: unknown[] };
  if (Array.isArray(e?.errors) && e.errors.length > 0) return classifyLibraryError(e.errors[0]);
  const message = e?.message ?? String(error);
  if (e?.code === 'DOCUMENT_NOT_FOUND' || /Cannot load|Unable to load|not found/i.test(message)) {
    return proofError('KEY_NOT_FOUND', message);
  }
  if (/not authorized|controller|does not match|issuer/i.test(message)) return proofError('KEY_NOT_AUTHORIZED', message);
  if (/challenge|domain/i.test(message)) return proofError('PURPOSE_MISMATCH', message);
  if (/No matching proofs/i.test(message)) return proofError('UNSUPPORTED_PROOF', message);
  if (/signature/i.test(message)) return proofError('INVALID_SIGNATURE', message);
  return proofError('MALFORMED', message);
}
