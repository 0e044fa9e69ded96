import { createPublicKey } from 'node:crypto';
import { SignJWT, createLocalJWKSet, type JWK } from 'jose';
import type { KeyStore } from '../keys/key-store.js';
import type { OidcVerifier } from './oidc.js';

export const DEV_IDP_PATH = '/dev-idp';
export const DEV_IDP_AUDIENCE = 'credit-bank';
export const DEV_IDP_IDENTITY_CLAIM = 'cn_resident_id';

/**
 * A development OpenID provider built into the embedded demo, standing in for a real-name identity
 * provider: it signs ID tokens for whatever identity it is told. Enabled only by config (DEV_IDP).
 */
export class DevIdentityProvider {
  constructor(private readonly keys: KeyStore, readonly issuer: string, private readonly now: () => Date) {}

  async register(verifier: OidcVerifier): Promise<void> {
    const jwks = await this.jwks();
    verifier.add({ issuer: this.issuer, audience: DEV_IDP_AUDIENCE, jwks: 'builtin', identityClaim: DEV_IDP_IDENTITY_CLAIM },
      createLocalJWKSet(jwks));
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const key = await this.keys.activeOrCreate('dev-idp', 'id-token');
    const jwk = createPublicKey(key.privateKey).export({ format: 'jwk' }) as JWK;
    return { keys: [{ ...jwk, kid: key.id, alg: 'EdDSA', use: 'sig' }] };
  }

  async idToken(claims: { sub: string; name?: string; residentId?: string }): Promise<string> {
    const key = await this.keys.activeOrCreate('dev-idp', 'id-token');
    const iat = Math.floor(this.now().getTime() / 1000);
    const payload: Record<string, unknown> = { name: claims.name };
    if (claims.residentId) payload[DEV_IDP_IDENTITY_CLAIM] = claims.residentId;
    return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: key.id })
      .setIssuer(this.issuer).setAudience(DEV_IDP_AUDIENCE).setSubject(claims.sub)
      .setIssuedAt(iat).setExpirationTime(iat + 600).sign(key.privateKey);
  }
}
