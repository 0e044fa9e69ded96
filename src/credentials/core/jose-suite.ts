/**
 * JOSE proofs for credentials, two profiles:
 *
 * - VC-JOSE-COSE (W3C, `application/vc+jwt`): the credential itself is the JWT payload; header
 *   `{alg, kid, typ: 'vc+jwt', cty: 'vc'}`. No JWT registered claims are added.
 * - Open Badges 3.0 §8.2 "JSON Web Token Proof Format" (also used by CLR 2.0), applied when the
 *   credential is an Open Badge / CLR: header has only `alg`, `kid` and `typ: 'JWT'` (the spec
 *   forbids other headers, so no `cty`); the payload is the credential plus `iss` = issuer.id,
 *   `jti` = id, `nbf` = validFrom, `sub` = credentialSubject.id and `exp` = validUntil when present.
 *   The credential is NOT wrapped in a `vc` claim (that was VCDM 1.1 VC-JWT; we still accept it).
 *   Deviation: the OB spec names RS256 as the baseline algorithm; our issuer keys are Ed25519 so we
 *   sign with EdDSA, which the spec permits ("other algorithms ... limits interoperability").
 *   We always send `kid` (a DID URL) rather than an inline `jwk`, so a key binds to an issuer.
 */
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { privateKeyObject, verificationKey, type IssuerKey } from './keys.js';
import type { DocumentLoader } from './document-loader.js';
import type { JsonObject } from './did-key.js';
import { classifyLibraryError, proofError, type ProofError, type ProofVerification } from './proof-result.js';
import { isOpenBadgeLike, issuerId, subjectId, toNumericDate } from './credential-fields.js';
import { checkKeyBinding } from './key-binding.js';

export type JwtProfile = 'vc-jose-cose' | 'open-badges';

/** Signs a credential as a compact JWS. The profile defaults to Open Badges for OB/CLR types. */
export async function signJwt(
  credential: JsonObject,
  opts: { key: IssuerKey; profile?: JwtProfile },
): Promise<string> {
  const profile = opts.profile ?? (isOpenBadgeLike(credential) ? 'open-badges' : 'vc-jose-cose');
  const key = await privateKeyObject(opts.key);
  const header = profile === 'open-badges'
    ? { alg: 'EdDSA', kid: opts.key.id, typ: 'JWT' }
    : { alg: 'EdDSA', kid: opts.key.id, typ: 'vc+jwt', cty: 'vc' };
  const payload = profile === 'open-badges' ? { ...credential, ...openBadgeClaims(credential) } : credential;
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}


function openBadgeClaims(c: JsonObject): JsonObject {
  const claims: JsonObject = { iss: issuerId(c), jti: c.id, sub: subjectId(c) };
  if (typeof c.validFrom === 'string') claims.nbf = toNumericDate(c.validFrom);
  if (typeof c.validUntil === 'string') claims.exp = toNumericDate(c.validUntil);
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}

const REGISTERED_CLAIMS = ['iss', 'sub', 'jti', 'nbf', 'exp', 'iat', 'aud'] as const;

/** Splits a JWT payload into the credential and its registered claims (accepting the legacy `vc` claim). */
export function credentialFromPayload(payload: JsonObject): { credential: JsonObject; claims: JsonObject } {
  const claims: JsonObject = {};
  const rest: JsonObject = { ...payload };
  for (const name of REGISTERED_CLAIMS) {
    if (name in rest) { claims[name] = rest[name]; delete rest[name]; }
  }
  const legacy = rest.vc;
  if (legacy && typeof legacy === 'object' && !('@context' in rest)) return { credential: legacy as JsonObject, claims };
  return { credential: rest, claims };
}

/** Checks OB 3.0 §8.2.4 claim consistency: each claim present must equal the credential field. */
export function checkJwtClaims(credential: JsonObject, claims: JsonObject): ProofError[] {
  const expected: JsonObject = {
    iss: issuerId(credential), jti: credential.id, sub: subjectId(credential),
    nbf: toNumericDate(credential.validFrom ?? credential.issuanceDate),
    exp: toNumericDate(credential.validUntil ?? credential.expirationDate),
  };
  const errors: ProofError[] = [];
  for (const [name, want] of Object.entries(expected)) {
    if (claims[name] !== undefined && claims[name] !== want) {
      errors.push(proofError('CLAIM_MISMATCH', `JWT claim "${name}" (${String(claims[name])}) differs from the credential (${String(want)})`));
    }
  }
  return errors;
}

/** Verifies a compact JWS credential: signature by the `kid` key, key bound to the issuer, claims consistent. */
export async function verifyJwt(jwt: string, opts: { documentLoader: DocumentLoader }): Promise<ProofVerification> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try { header = decodeProtectedHeader(jwt); } catch (e) {
    return { verified: false, suite: 'vc+jwt', errors: [proofError('MALFORMED', (e as Error).message)] };
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  if (header.kid !== undefined && kid === undefined) return { suite: 'vc+jwt', verified: false, errors: [proofError('MALFORMED', 'JWT header "kid" must be a string')] };
  const base = { suite: 'vc+jwt' as const, verificationMethod: kid };
  if (header.alg !== 'EdDSA') return { ...base, verified: false, errors: [proofError('UNSUPPORTED_PROOF', `alg ${String(header.alg)} is not accepted`)] };
  if (!kid) return { ...base, verified: false, errors: [proofError('KEY_NOT_FOUND', 'JWT header has no "kid"; an inline "jwk" cannot be bound to an issuer')] };
  // A signature text altered in the bits base64url leaves unused decodes to the same bytes, and jose
  // accepts it; such a token is not the one the issuer produced (the ledger records the exact text).
  const signature = jwt.slice(jwt.lastIndexOf('.') + 1);
  if (Buffer.from(signature, 'base64url').toString('base64url') !== signature) {
    return { ...base, verified: false, errors: [proofError('INVALID_SIGNATURE', 'the JWS signature is not in canonical base64url (RFC 7515 §2)')] };
  }
  try {
    const { document: vm } = await opts.documentLoader(kid);
    const { key } = await verificationKey(vm as JsonObject);
    const { payload } = await compactVerify(jwt, key, { algorithms: ['EdDSA'] });
    const { credential, claims } = credentialFromPayload(JSON.parse(new TextDecoder().decode(payload)) as JsonObject);
    const errors = [
      ...checkJwtClaims(credential, claims),
      ...(await checkKeyBinding(vm as JsonObject, issuerId(credential), 'assertionMethod', opts.documentLoader)),
    ];
    return { ...base, verified: errors.length === 0, credential, errors };
  } catch (e) {
    const err = classifyLibraryError(e);
    const code = /signature verification failed/i.test(err.message) ? 'INVALID_SIGNATURE' : err.code;
    return { ...base, verified: false, errors: [{ code, message: err.message }] };
  }
}
