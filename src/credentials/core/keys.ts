import { createPrivateKey, createPublicKey, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import type { Ed25519KeyPair } from '@digitalbazaar/ed25519-multikey';

/** An issuer's Ed25519 signing key in Multikey form. `id` is the verification method URL. */
export interface IssuerKey {
  id: string;
  controller: string;
  publicKeyMultibase: string;
  secretKeyMultibase: string;
}

/** The public half of a Multikey verification method, as published in a DID document. */
export interface PublicVerificationMethod {
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
}

/** Loads a Multikey key pair; throws if the multibase strings are not an Ed25519 pair. */
export async function keyPairFrom(key: IssuerKey): Promise<Ed25519KeyPair> {
  return Ed25519Multikey.from({ type: 'Multikey', '@context': 'https://w3id.org/security/multikey/v1', ...key });
}

// Imported private keys per secret, so a signature costs one Ed25519 operation rather than a key
// import (createPrivateKey) each time; each worker thread keeps its own copy. Bounded: few keys are live.
const imported = new Map<string, Promise<KeyObject>>();

/** The key's private half as a Node KeyObject, imported once per thread. */
export function privateKeyObject(key: IssuerKey): Promise<KeyObject> {
  let ko = imported.get(key.secretKeyMultibase);
  if (!ko) {
    if (imported.size > 1000) imported.clear();
    ko = keyPairFrom(key).then((pair) => {
      const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
      return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64(pair.publicKey), d: b64(pair.secretKey!.subarray(0, 32)) }, format: 'jwk' });
    });
    imported.set(key.secretKeyMultibase, ko);
    ko.catch(() => imported.delete(key.secretKeyMultibase));
  }
  return ko;
}

/** A Data Integrity signer (the shape @digitalbazaar/ed25519-multikey's signer() has) over the cached key. */
export async function cachedSigner(key: IssuerKey): Promise<{ id: string; algorithm: 'Ed25519'; sign(o: { data: Uint8Array }): Promise<Uint8Array> }> {
  const ko = await privateKeyObject(key);
  return { id: key.id, algorithm: 'Ed25519', sign: async ({ data }) => new Uint8Array(edSign(null, data, ko)) };
}

// Public keys the same way, for proof checks. The cryptosuites' own verifier imports the key from DER
// on every check, and OpenSSL 3's DER decoder costs about as much as the Ed25519 verification itself
// (160 against 180 µs on a 2-core EPYC VM); from JWK the import is 16 µs, and cached it is free.
const publicKeys = new Map<string, KeyObject>();

/** An Ed25519 public key (32 raw bytes) as a Node KeyObject, imported once per thread. */
export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const x = Buffer.from(publicKey).toString('base64url');
  let ko = publicKeys.get(x);
  if (!ko) {
    if (publicKeys.size > 1000) publicKeys.clear();
    ko = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    publicKeys.set(x, ko);
  }
  return ko;
}

/**
 * A Data Integrity cryptosuite's `createVerifier` (eddsa-rdfc-2022, eddsa-jcs-2022): the key is read
 * from the verification method by @digitalbazaar/ed25519-multikey as the suites do (same checks,
 * same errors), and the signature checked against the cached KeyObject.
 */
export async function cachedVerifier({ verificationMethod }: { verificationMethod: Record<string, unknown> }) {
  const { id, key } = await verificationKey(verificationMethod);
  return { id, algorithm: 'Ed25519' as const, verify: async ({ data, signature }: { data: Uint8Array; signature: Uint8Array }) => edVerify(null, data, key, signature) };
}

/** A Multikey verification method's public key, read by @digitalbazaar/ed25519-multikey (its checks and errors), as a cached KeyObject. */
export async function verificationKey(verificationMethod: Record<string, unknown>): Promise<{ id: string | undefined; key: KeyObject }> {
  const pair = await Ed25519Multikey.from(verificationMethod);
  if (!pair.publicKey) throw new Error('A public key is not available for verifying.');
  return { id: pair.id, key: publicKeyObject(pair.publicKey) };
}

/** A deterministic key from a 32-byte seed (tests, fixtures); production keys come from the key store. */
export async function keyFromSeed(seed: Uint8Array, controller: string, fragment?: string): Promise<IssuerKey> {
  const pair = await Ed25519Multikey.generate({ seed, controller });
  const id = `${controller}#${fragment ?? pair.publicKeyMultibase}`;
  return { id, controller, publicKeyMultibase: pair.publicKeyMultibase, secretKeyMultibase: pair.secretKeyMultibase! };
}

/** A fresh random key pair. */
export async function generateKey(controller: string, fragment?: string): Promise<IssuerKey> {
  const pair = await Ed25519Multikey.generate({ controller });
  const id = `${controller}#${fragment ?? pair.publicKeyMultibase}`;
  return { id, controller, publicKeyMultibase: pair.publicKeyMultibase, secretKeyMultibase: pair.secretKeyMultibase! };
}

/** The verification method to publish for a key (never contains the secret). */
export function publicVerificationMethod(key: IssuerKey): PublicVerificationMethod {
  return { id: key.id, type: 'Multikey', controller: key.controller, publicKeyMultibase: key.publicKeyMultibase };
}

/** A DID / controller document listing the given keys for assertion and authentication. */
export function controllerDocument(controller: string, keys: readonly IssuerKey[]): Record<string, unknown> {
  const ids = keys.map((k) => k.id);
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: controller,
    verificationMethod: keys.map(publicVerificationMethod),
    assertionMethod: ids,
    authentication: ids,
  };
}
