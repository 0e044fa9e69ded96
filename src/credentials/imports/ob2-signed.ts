/**
 * Signed Open Badges 2.0 assertions (OB 2.0 "SignedBadge"): a compact JWS whose payload is the
 * Assertion. The signature is checked with the issuer's public key named by verification.creator,
 * which must come from the bank's trust list (stored PEM): nothing is fetched, and an assertion
 * whose key the bank does not hold is refused rather than kept unverified.
 */
import { createPublicKey } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { AppError, invalidField } from '../../errors.js';
import type { JsonObject } from '../core/did-key.js';
import { isCompactJws } from '../core/suites.js';
import type { TrustedIssuer } from '../trust-list/trust-list.service.js';
import { isOb2Assertion } from './ob2-checks.js';

/** RS256 is OB 2.0's baseline; ES256 is accepted as the EC equivalent. Nothing else (never "none" or HMAC). */
const ALGORITHMS: Record<string, 'rsa' | 'ec'> = { RS256: 'rsa', ES256: 'ec' };

export type KeyLookup = (keyId: string) => Promise<{ entry: TrustedIssuer; publicKeyPem: string } | undefined>;

export interface SignedOb2 { assertion: JsonObject; alg: string; creator: string; entry: TrustedIssuer; signatureValid: boolean; problems: string[] }

/** The assertion inside a compact JWS, when the payload is an OB 2.0 Assertion (not verified yet). */
export function signedOb2Payload(input: unknown): JsonObject | undefined {
  if (!isCompactJws(input)) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(input.trim().split('.')[1]!, 'base64url').toString('utf8')) as unknown;
    return isOb2Assertion(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

export async function verifySignedOb2(jws: string, assertion: JsonObject, keys: KeyLookup): Promise<SignedOb2> {
  const at = '/body/credential';
  let alg = '';
  try {
    alg = decodeProtectedHeader(jws).alg ?? '';
  } catch (cause) {
    throw new AppError(422, 'ob2_malformed_jws', 'the signed assertion\'s JWS header is not valid base64url JSON', { cause, errors: [{ pointer: at, message: 'malformed JWS header' }] });
  }
  if (!Object.hasOwn(ALGORITHMS, alg)) throw invalidField(at, 'ob2_unsupported_algorithm', `a signed Open Badges 2.0 assertion must use RS256 or ES256, not ${JSON.stringify(alg)}`);
  const v = (assertion.verification ?? {}) as JsonObject;
  const creator = v.creator;
  if (typeof creator !== 'string' || !/^https:\/\/\S+$/.test(creator)) {
    throw invalidField(at, 'ob2_creator_required', 'a signed Open Badges 2.0 assertion names its public key in verification.creator (an https URL)');
  }
  const found = await keys(creator);
  if (!found) {
    throw new AppError(422, 'ob2_signing_key_unavailable', `the public key ${creator} is not on the bank's trust list; without network access the signature cannot be checked, so the assertion is not imported`,
      { errors: [{ pointer: at, message: `verification.creator ${creator} is unknown to the bank` }] });
  }
  const key = createPublicKey(found.publicKeyPem);
  const problems: string[] = [];
  let signatureValid = false;
  if (key.asymmetricKeyType !== ALGORITHMS[alg]) problems.push(`the key ${creator} is ${key.asymmetricKeyType}, which cannot make a ${alg} signature`);
  else {
    try {
      await compactVerify(jws.trim(), key, { algorithms: [alg] });
      signatureValid = true;
    } catch {
      problems.push(`the ${alg} signature does not verify with ${creator}`);
    }
  }
  const vt = String(v.type ?? '').toLowerCase();
  if (vt !== 'signed' && vt !== 'signedbadge') problems.push('a signed assertion needs verification.type "signed" (SignedBadge)');
  const issuer = issuerOf(assertion);
  if (issuer !== undefined && issuer !== found.entry.issuerId) problems.push(`the key ${creator} belongs to ${found.entry.issuerId}, not to the badge's issuer ${issuer}`);
  return { assertion, alg, creator, entry: found.entry, signatureValid, problems };
}

/** The issuer profile id of an embedded BadgeClass (a BadgeClass given by URL names none offline). */
export function issuerOf(a: JsonObject): string | undefined {
  const badge = a.badge;
  if (typeof badge !== 'object' || badge === null) return undefined;
  const issuer = (badge as JsonObject).issuer;
  if (typeof issuer === 'string') return issuer;
  return typeof issuer === 'object' && issuer !== null && typeof (issuer as JsonObject).id === 'string' ? String((issuer as JsonObject).id) : undefined;
}
