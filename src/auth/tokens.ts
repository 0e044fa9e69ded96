import { createPublicKey, type KeyObject } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { unauthorized } from '../errors.js';
import type { KeyStore } from '../keys/key-store.js';
import type { Principal } from './principal.js';

export const TOKEN_KEY_OWNER = 'bank';
export const TOKEN_KEY_PURPOSE = 'access-token';

interface Claims extends JWTPayload {
  kind: 'operator' | 'institution' | 'learner';
  inst?: string;
  scope: string;
}

/** Short-lived EdDSA access tokens signed by the service; verification needs no database call. */
export class TokenService {
  readonly #publicKeys = new Map<string, KeyObject>();

  constructor(private readonly keys: KeyStore, private readonly issuer: string,
    private readonly ttlSeconds: number, private readonly now: () => Date) {}

  async issue(p: Exclude<Principal, { kind: 'public' }>): Promise<{ token: string; expiresIn: number }> {
    const key = await this.keys.activeOrCreate(TOKEN_KEY_OWNER, TOKEN_KEY_PURPOSE);
    const subject = p.kind === 'learner' ? p.learnerId : p.clientId;
    const claims: Claims = { kind: p.kind, scope: p.scopes.join(' ') };
    if (p.kind === 'institution') claims.inst = p.institutionId;
    const iat = Math.floor(this.now().getTime() / 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: key.id, typ: 'at+jwt' })
      .setIssuer(this.issuer).setAudience(this.issuer).setSubject(subject)
      .setIssuedAt(iat).setExpirationTime(iat + this.ttlSeconds)
      .sign(key.privateKey);
    return { token, expiresIn: this.ttlSeconds };
  }

  async verify(token: string): Promise<Principal> {
    let payload: Claims;
    try {
      const result = await jwtVerify<Claims>(token, (header) => this.publicKey(header.kid), {
        issuer: this.issuer, audience: this.issuer, algorithms: ['EdDSA'], typ: 'at+jwt',
        currentDate: this.now(),
      });
      payload = result.payload;
    } catch (cause) {
      const code = cause instanceof joseErrors.JWTExpired ? 'token_expired'
        : cause instanceof joseErrors.JWTClaimValidationFailed ? 'token_claim_invalid' : 'token_invalid';
      throw Object.assign(unauthorized(code, 'The bearer token is not valid'), { cause });
    }
    const scopes = payload.scope ? payload.scope.split(' ') : [];
    const sub = payload.sub!;
    if (payload.kind === 'operator') return { kind: 'operator', clientId: sub, scopes };
    if (payload.kind === 'institution' && payload.inst) return { kind: 'institution', clientId: sub, institutionId: payload.inst, scopes };
    if (payload.kind === 'learner') return { kind: 'learner', learnerId: sub, scopes };
    throw unauthorized('token_invalid', 'The bearer token names no known principal');
  }

  private async publicKey(kid: string | undefined): Promise<KeyObject> {
    if (!kid) throw unauthorized('token_invalid', 'The token has no key id');
    const cached = this.#publicKeys.get(kid);
    if (cached) return cached;
    const key = await this.keys.get(kid);
    if (!key || key.owner !== TOKEN_KEY_OWNER || key.purpose !== TOKEN_KEY_PURPOSE || key.status === 'revoked') {
      throw unauthorized('token_invalid', 'The token was signed by an unknown key');
    }
    const publicKey = createPublicKey({ key: key.publicJwk as never, format: 'jwk' });
    this.#publicKeys.set(kid, publicKey);
    return publicKey;
  }
}
