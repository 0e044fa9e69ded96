import jsigs from 'jsonld-signatures';
import * as vc from '@digitalbazaar/vc';
import type { DocumentLoader } from './document-loader.js';
import type { JsonObject } from './did-key.js';
import type { IssuerKey } from './keys.js';
import { firstVerificationMethod, proofCryptosuites, signingSuite, verifyingSuites, type DataIntegritySuiteName } from './data-integrity-suites.js';
import { classifyLibraryError, proofError, type ProofVerification } from './proof-result.js';
import { verifyCredentialProof } from './suites.js';
import { typesOf } from './credential-fields.js';

export interface PresentationSignOptions {
  key: IssuerKey;
  documentLoader: DocumentLoader;
  challenge: string;
  domain?: string;
  suite?: DataIntegritySuiteName;
  now?: Date | string;
}

/** Signs a presentation for authentication (proofPurpose authentication, with challenge and domain). */
export async function signPresentation(presentation: JsonObject, opts: PresentationSignOptions): Promise<JsonObject> {
  const now = opts.now === undefined ? new Date() : new Date(opts.now);
  const suite = await signingSuite(opts.suite ?? 'eddsa-rdfc-2022', opts.key, now);
  return vc.signPresentation({
    presentation: structuredClone(presentation), suite, challenge: opts.challenge, domain: opts.domain,
    documentLoader: opts.documentLoader,
  });
}

export interface PresentationVerification {
  verified: boolean;
  presentation: ProofVerification;
  credentials: ProofVerification[];
}

const ENVELOPED_JWT = /^data:application\/vc\+jwt,/;

/** The credentials inside a presentation; VCDM 2.0 enveloped JWT credentials become their JWS string. */
export function presentedCredentials(presentation: JsonObject): unknown[] {
  const vcs = presentation.verifiableCredential;
  return (Array.isArray(vcs) ? vcs : vcs ? [vcs] : []).map((c) => {
    const id = typeof c === 'object' && c !== null ? (c as JsonObject).id : undefined;
    if (typesOf(c).includes('EnvelopedVerifiableCredential') && typeof id === 'string' && ENVELOPED_JWT.test(id)) {
      return id.replace(ENVELOPED_JWT, '');
    }
    return c;
  });
}

/**
 * Verifies a presentation's authentication proof (challenge and domain must match) and, separately,
 * the proof of each credential it carries. When the presentation names a holder, the key must be the holder's.
 */
export async function verifyPresentation(
  presentation: JsonObject,
  opts: { documentLoader: DocumentLoader; challenge: string; domain?: string; now?: Date | string },
): Promise<PresentationVerification> {
  const credentials = await Promise.all(presentedCredentials(presentation).map((c) => verifyCredentialProof(c, opts)));
  const proof = await verifyPresentationProof(presentation, opts);
  return { verified: proof.verified && credentials.every((c) => c.verified), presentation: proof, credentials };
}

/** The holder's authentication proof alone (callers that verify the credentials themselves use this). */
export async function verifyPresentationProof(
  presentation: JsonObject,
  opts: { documentLoader: DocumentLoader; challenge: string; domain?: string },
): Promise<ProofVerification> {
  const suite = proofCryptosuites(presentation)[0];
  const verificationMethod = firstVerificationMethod(presentation);
  if (!suite) return { verified: false, errors: [proofError('MALFORMED', 'presentation has no proof')] };
  const holder = typeof presentation.holder === 'string' ? presentation.holder : (presentation.holder as JsonObject | undefined)?.id;
  if (holder && verificationMethod && !verificationMethod.startsWith(`${String(holder)}#`)) {
    return { verified: false, suite, verificationMethod, errors: [proofError('KEY_NOT_AUTHORIZED', `key "${verificationMethod}" is not the holder's`)] };
  }
  try {
    const purpose = new jsigs.purposes.AuthenticationProofPurpose({ challenge: opts.challenge, domain: opts.domain });
    const result = await jsigs.verify(presentation, { suite: verifyingSuites(), purpose, documentLoader: opts.documentLoader });
    return { verified: result.verified, suite, verificationMethod, errors: result.verified ? [] : [classifyLibraryError(result.error)] };
  } catch (e) {
    return { verified: false, suite, verificationMethod, errors: [classifyLibraryError(e)] };
  }
}
