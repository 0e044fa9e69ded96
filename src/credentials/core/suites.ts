import jsigs from 'jsonld-signatures';
import * as vc from '@digitalbazaar/vc';
import type { DocumentLoader } from './document-loader.js';
import type { JsonObject } from './did-key.js';
import type { IssuerKey } from './keys.js';
import {
  firstVerificationMethod, proofCryptosuites, signWithDataIntegrity, verifyingSuites,
} from './data-integrity-suites.js';
import { signJwt, verifyJwt, type JwtProfile } from './jose-suite.js';
import { classifyLibraryError, proofError, type ProofSuiteName, type ProofVerification } from './proof-result.js';

export interface SignOptions {
  suite?: ProofSuiteName;
  key: IssuerKey;
  documentLoader: DocumentLoader;
  /** Proof creation time; tests pass a fixed value. */
  now?: Date | string;
  /** JOSE only: force a profile instead of choosing by credential type. */
  jwtProfile?: JwtProfile;
}

/** A signed credential: an object with `proof` (Data Integrity) or a compact JWS string (JOSE). */
export type SignedCredential = JsonObject | string;

export interface ProofSuite {
  name: ProofSuiteName;
  mediaType: string;
  sign(credential: JsonObject, opts: SignOptions & { now: Date }): Promise<SignedCredential>;
}

/** Every proof form we issue, looked up by name (the default is eddsa-rdfc-2022). */
export const suites: ReadonlyMap<ProofSuiteName, ProofSuite> = new Map<ProofSuiteName, ProofSuite>([
  ['eddsa-rdfc-2022', { name: 'eddsa-rdfc-2022', mediaType: 'application/vc',
    sign: (c, o) => signWithDataIntegrity(c, 'eddsa-rdfc-2022', o) }],
  ['eddsa-jcs-2022', { name: 'eddsa-jcs-2022', mediaType: 'application/vc',
    sign: (c, o) => signWithDataIntegrity(c, 'eddsa-jcs-2022', o) }],
  ['vc+jwt', { name: 'vc+jwt', mediaType: 'application/vc+jwt',
    sign: (c, o) => signJwt(c, { key: o.key, profile: o.jwtProfile }) }],
]);

export const DEFAULT_SUITE: ProofSuiteName = 'eddsa-rdfc-2022';

/** Signs a credential with the named suite. The input is never mutated. */
export async function signCredential(credential: JsonObject, opts: SignOptions): Promise<SignedCredential> {
  const name = opts.suite ?? DEFAULT_SUITE;
  const suite = suites.get(name);
  if (!suite) throw new Error(`Unknown proof suite "${name}"`);
  const now = opts.now === undefined ? new Date() : new Date(opts.now);
  return suite.sign(credential, { ...opts, now });
}

/** True when the input looks like a compact JWS (three base64url segments). */
export function isCompactJws(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value.trim());
}

/**
 * Verifies the proof of a credential (object with Data Integrity proof, or compact JWS), detecting
 * the form. Checks signature and that the key is the issuer's assertion key; NOT status or validity
 * dates, which the caller reports as separate checks.
 */
export async function verifyCredentialProof(
  input: unknown,
  opts: { documentLoader: DocumentLoader; now?: Date | string },
): Promise<ProofVerification> {
  if (isCompactJws(input)) return verifyJwt(input.trim(), opts);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { verified: false, errors: [proofError('MALFORMED', 'expected a credential object or a compact JWS')] };
  }
  const credential = input as JsonObject;
  const suite = proofCryptosuites(credential)[0];
  const verificationMethod = firstVerificationMethod(credential);
  if (!suite) return { verified: false, credential, errors: [proofError('MALFORMED', 'credential has no proof')] };
  try {
    const result = await jsigs.verify(credential, {
      suite: verifyingSuites(),
      purpose: new vc.CredentialIssuancePurpose(),
      documentLoader: opts.documentLoader,
    });
    const errors = result.verified ? [] : [classifyLibraryError(result.error)];
    return { verified: result.verified, suite, verificationMethod, credential, errors };
  } catch (e) {
    return { verified: false, suite, verificationMethod, credential, errors: [classifyLibraryError(e)] };
  }
}
