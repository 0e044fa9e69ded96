/**
 * Checks what an operator sends to put an external issuer on the trust list (no I/O): the issuer
 * is a DID or an https URL; a DID other than did:key needs its DID document (verification never
 * fetches one), whose id is the DID and whose keys are public Ed25519 Multikeys (what the verifier checks);
 * an issuer URL may carry its controller document (same rules, for OB 3.0 credentials whose issuer is
 * a URL) and Open Badges 2.0 CryptographicKeys (PEM, RSA ≥ 2048 bits or EC P-256) for signed OB 2.0. Private key material is refused outright.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { invalidField } from '../../errors.js';
import { didKeyDocument, isEd25519DidKey, type JsonObject } from '../core/did-key.js';
import { isJsonObject as isObj } from '../core/credential-fields.js';

export interface TrustEntryInput {
  issuerId: string;
  name: { en: string; zh?: string };
  didDocument?: JsonObject;
  publicKeys?: { id: string; publicKeyPem: string }[];
}

export interface CheckedTrustEntry {
  issuerId: string; kind: 'did' | 'url'; nameEn: string; nameZh: string | null;
  didDocument: JsonObject | null; publicKeys: { id: string; publicKeyPem: string }[];
}

const HTTPS = /^https:\/\/[^\s#]+$/;
const MULTIBASE_ED25519 = /^z6Mk[1-9A-HJ-NP-Za-km-z]{44,46}$/;

export function checkTrustEntry(input: TrustEntryInput): CheckedTrustEntry {
  const id = input.issuerId.trim();
  const kind = id.startsWith('did:') ? 'did' : HTTPS.test(id) ? 'url' : undefined;
  if (!kind || (kind === 'did' && !/^did:[a-z0-9]+:[^\s#?]+$/.test(id))) {
    throw invalidField('/body/issuerId', 'invalid_issuer_id', 'issuerId must be a DID (no fragment) or an https URL');
  }
  if (!input.name.en.trim()) throw invalidField('/body/name/en', 'name_required', 'name.en must not be blank');
  const publicKeys = (input.publicKeys ?? []).map((k, i) => checkPem(k, i));
  if (kind === 'did' && publicKeys.length > 0) {
    throw invalidField('/body/publicKeys', 'public_keys_for_url_issuers', 'publicKeys (Open Badges 2.0 keys) belong to an issuer URL; a DID issuer brings its DID document');
  }
  let didDocument: JsonObject | null = null;
  // An https issuer may bring its controller document (OB 3.0 issuers identified by URL) as well as OB 2.0 keys.
  if (kind === 'url' && input.didDocument) didDocument = checkDidDocument(id, input.didDocument);
  if (kind === 'did') {
    if (input.didDocument) didDocument = checkDidDocument(id, input.didDocument);
    else if (!isEd25519DidKey(id)) throw invalidField('/body/didDocument', 'did_document_required', `${id.split(':', 2).join(':')} cannot be resolved offline: send the issuer's DID document`);
    else {
      try { didKeyDocument(id); } catch { throw invalidField('/body/issuerId', 'invalid_issuer_id', 'not a valid Ed25519 did:key'); }
    }
  }
  return { issuerId: id, kind, nameEn: input.name.en.trim(), nameZh: input.name.zh?.trim() || null, didDocument, publicKeys };
}

function checkDidDocument(did: string, doc: JsonObject): JsonObject {
  const at = '/body/didDocument';
  if (doc.id !== did) throw invalidField(`${at}/id`, 'did_document_mismatch', `the DID document's id must be ${did}`);
  const methods = Array.isArray(doc.verificationMethod) ? doc.verificationMethod : [];
  if (methods.length === 0) throw invalidField(`${at}/verificationMethod`, 'no_verification_method', 'the DID document lists no verification method');
  methods.forEach((vm, i) => checkMethod(did, vm, `${at}/verificationMethod/${i}`));
  const ids = new Set(methods.map((m) => String((m as JsonObject).id)));
  const assertion = Array.isArray(doc.assertionMethod) ? doc.assertionMethod : [];
  const usable = assertion.filter((a) => (typeof a === 'string' ? ids.has(a) || ids.has(`${did}${a}`) : isObj(a)));
  if (usable.length === 0) throw invalidField(`${at}/assertionMethod`, 'no_assertion_method', 'the DID document names no assertionMethod key, so no credential could verify');
  return doc;
}

function checkMethod(did: string, vm: unknown, at: string): void {
  if (!isObj(vm) || typeof vm.id !== 'string') throw invalidField(at, 'invalid_verification_method', 'a verification method needs an id');
  if (!(vm.id.startsWith(`${did}#`) || vm.id.startsWith('#'))) throw invalidField(`${at}/id`, 'foreign_verification_method', `verification method ids must be under ${did}`);
  if (vm.controller !== undefined && vm.controller !== did) throw invalidField(`${at}/controller`, 'foreign_controller', `the controller must be ${did}`);
  if ('secretKeyMultibase' in vm || 'privateKeyMultibase' in vm || (isObj(vm.publicKeyJwk) && 'd' in vm.publicKeyJwk) || 'privateKeyJwk' in vm) {
    throw invalidField(at, 'private_key_material', 'private key material must never be sent to the bank');
  }
  // The verifier checks Ed25519 proofs (eddsa-rdfc-2022, eddsa-jcs-2022, EdDSA JWTs) with Multikeys; any other key could never verify.
  if (vm.type !== 'Multikey' || typeof vm.publicKeyMultibase !== 'string' || !MULTIBASE_ED25519.test(vm.publicKeyMultibase)) {
    throw invalidField(at, 'unsupported_key', 'verification methods must be Ed25519 Multikeys (type Multikey, publicKeyMultibase z6Mk…), the keys the verifier checks');
  }
}

function checkPem(k: { id: string; publicKeyPem: string }, i: number): { id: string; publicKeyPem: string } {
  const at = `/body/publicKeys/${i}`;
  if (!HTTPS.test(k.id)) throw invalidField(`${at}/id`, 'invalid_key_id', 'a CryptographicKey id is the https URL that verification.creator names');
  if (/PRIVATE KEY/.test(k.publicKeyPem)) throw invalidField(`${at}/publicKeyPem`, 'private_key_material', 'private key material must never be sent to the bank');
  try {
    supported(createPublicKey(k.publicKeyPem));
  } catch {
    throw invalidField(`${at}/publicKeyPem`, 'unsupported_key', 'publicKeyPem must be a PEM RSA (≥ 2048 bits) or EC P-256 public key');
  }
  return { id: k.id, publicKeyPem: createPublicKey(k.publicKeyPem).export({ type: 'spki', format: 'pem' }).toString() };
}

function supported(key: KeyObject): void {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && (d?.modulusLength ?? 0) >= 2048) return;
  if (key.asymmetricKeyType === 'ec' && d?.namedCurve === 'prime256v1') return;
  throw new Error('unsupported key type');
}
