import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as rdfcCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { createSignCryptosuite, createVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { cachedSigner, cachedVerifier, type IssuerKey } from './keys.js';
import type { DocumentLoader } from './document-loader.js';
import type { JsonObject } from './did-key.js';
import { isJsonObject } from './credential-fields.js';

export type DataIntegritySuiteName = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022';
export const DATA_INTEGRITY_SUITES: readonly DataIntegritySuiteName[] = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'];

/** A signing DataIntegrityProof suite; a new instance per call keeps signing free of shared state. */
export async function signingSuite(name: DataIntegritySuiteName, key: IssuerKey, date: Date): Promise<unknown> {
  const signer = await cachedSigner(key);
  const cryptosuite = name === 'eddsa-rdfc-2022' ? rdfcCryptosuite : createSignCryptosuite();
  return new DataIntegrityProof({ signer, date, cryptosuite });
}

/**
 * Verifying suites for every Data Integrity cryptosuite we accept; jsigs matches them by `cryptosuite`.
 * Each checks signatures with cached public keys (cachedVerifier) instead of importing the key per proof.
 */
export function verifyingSuites(): unknown[] {
  return [
    new DataIntegrityProof({ cryptosuite: { ...rdfcCryptosuite, createVerifier: cachedVerifier } }),
    new DataIntegrityProof({ cryptosuite: { ...createVerifyCryptosuite(), createVerifier: cachedVerifier } }),
  ];
}

/** Adds a Data Integrity proof (proofPurpose assertionMethod) through @digitalbazaar/vc. */
export async function signWithDataIntegrity(
  credential: JsonObject,
  name: DataIntegritySuiteName,
  opts: { key: IssuerKey; documentLoader: DocumentLoader; now: Date },
): Promise<JsonObject> {
  const suite = await signingSuite(name, opts.key, opts.now);
  // vc.issue adds `proof` to a copy; structuredClone keeps the caller's object untouched regardless.
  return vc.issue({
    credential: structuredClone(credential),
    suite,
    documentLoader: opts.documentLoader,
    now: opts.now,
  });
}

/** The `cryptosuite` names of a document's Data Integrity proofs (entries that are not objects are not proofs). */
export function proofCryptosuites(doc: JsonObject): string[] {
  const proofs: unknown[] = Array.isArray(doc.proof) ? doc.proof : doc.proof ? [doc.proof] : [];
  return proofs.filter(isJsonObject).map((p) => String(p.cryptosuite ?? p.type));
}

/** The verification method of the document's first proof, if any. */
export function firstVerificationMethod(doc: JsonObject): string | undefined {
  const proof = (Array.isArray(doc.proof) ? doc.proof[0] : doc.proof) as JsonObject | undefined;
  const vm = proof?.verificationMethod;
  return typeof vm === 'string' ? vm : (vm as JsonObject | undefined)?.id as string | undefined;
}
