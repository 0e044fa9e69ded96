import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { OidcProviderConfig } from '../config/config.js';
import { unauthorized } from '../errors.js';

export interface VerifiedIdToken {
  issuer: string;
  subject: string;
  name?: string;
  /** The verified resident identity number, when the provider does real-name checks. */
  identityNumber?: string;
}

interface Provider extends OidcProviderConfig { keys: JWTVerifyGetKey }

/** Verifies ID tokens from the configured OpenID Connect providers (issuer + JWKS), with jose. */
export class OidcVerifier {
  readonly #providers = new Map<string, Provider>();

  constructor(providers: OidcProviderConfig[], private readonly now: () => Date) {
    for (const p of providers) this.add(p);
  }

  add(p: OidcProviderConfig, keys?: JWTVerifyGetKey): void {
    const resolved = keys ?? (p.jwks.startsWith('https://') || p.jwks.startsWith('http://')
      ? createRemoteJWKSet(new URL(p.jwks))
      : createLocalJWKSet(JSON.parse(readFileSync(p.jwks, 'utf8')) as JSONWebKeySet));
    this.#providers.set(p.issuer, { ...p, keys: resolved });
  }

  async verify(idToken: string): Promise<VerifiedIdToken> {
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(idToken).iss;
    } catch (cause) {
      throw Object.assign(unauthorized('id_token_invalid', 'The ID token is not a JWT'), { cause });
    }
    const provider = issuer ? this.#providers.get(issuer) : undefined;
    if (!provider) throw unauthorized('id_token_untrusted_issuer', 'The ID token comes from an identity provider this bank does not trust');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, provider.keys, { issuer: provider.issuer, audience: provider.audience, currentDate: this.now() }));
    } catch (cause) {
      // Expired and wrong-audience tokens get their own codes, so a client can tell "sign in again"
      // from "misconfigured" from "forged".
      if (cause instanceof joseErrors.JWTExpired) throw Object.assign(unauthorized('id_token_expired', 'The ID token has expired'), { cause });
      if (cause instanceof joseErrors.JWTClaimValidationFailed) {
        throw Object.assign(unauthorized('id_token_claim_invalid', `The ID token's ${cause.claim} claim is not accepted`), { cause });
      }
      throw Object.assign(unauthorized('id_token_invalid', 'The ID token failed verification'), { cause });
    }
    if (!payload.sub) throw unauthorized('id_token_invalid', 'The ID token has no subject');
    const claim = provider.identityClaim ? payload[provider.identityClaim] : undefined;
    return {
      issuer: provider.issuer, subject: payload.sub,
      name: typeof payload.name === 'string' ? payload.name : undefined,
      identityNumber: typeof claim === 'string' ? claim : undefined,
    };
  }
}
