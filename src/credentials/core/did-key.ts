import { CONTEXT_URLS } from './context-store.js';

// Multicodec prefix of an Ed25519 public key (0xed 0x01) in base58btc: every such did:key starts 'z6Mk'.
const ED25519_PREFIX = 'z6Mk';

export type JsonObject = Record<string, unknown>;

/** True for did:key identifiers (with or without a fragment) that carry an Ed25519 key. */
export function isEd25519DidKey(did: string): boolean {
  return did.startsWith(`did:key:${ED25519_PREFIX}`);
}

/**
 * The DID document of an Ed25519 did:key, derived from the identifier alone (did:key method spec,
 * Multikey form): one verification method usable for every relationship.
 */
export function didKeyDocument(did: string): JsonObject {
  const base = did.split('#')[0] ?? did;
  const multibase = base.slice('did:key:'.length);
  if (!isEd25519DidKey(base) || !/^z[1-9A-HJ-NP-Za-km-z]{46,48}$/.test(multibase)) {
    throw new Error(`Unsupported did:key "${base}": only Ed25519 (z6Mk…) keys are accepted`);
  }
  const vmId = `${base}#${multibase}`;
  return {
    '@context': [CONTEXT_URLS.didV1, CONTEXT_URLS.multikeyV1],
    id: base,
    verificationMethod: [{ id: vmId, type: 'Multikey', controller: base, publicKeyMultibase: multibase }],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityDelegation: [vmId],
    capabilityInvocation: [vmId],
  };
}
