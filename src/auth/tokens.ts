import { createPublicKey, type KeyObject } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { unauthorized } from '../errors.js';
import type { KeyStore } from '../keys/key-store.js';
import type { Principal } from './principal.js';
import type { RevokedClients } from './revoked-clients.js';

export const TOKEN_KEY_OWNER = 'bank';
export const TOKEN_KEY_PURPOSE = 'access-token';

interface Claims extends JWTPayload {
  kind: 'operator' | 'institution' | 'learner';
  inst?: string;
  scope: string;
}

/**
 * Short-lived EdDSA access tokens signed by the service. Verification needs no database call but
 * the revoked-client list's periodic reload: a client's tokens stop working when it is revoked.
 */
export class TokenService {
  readonly #publicKeys = new Map<string, KeyObject>();
  // A verified token maps to the same principal until it expires: skip the signature check on
  // every request of a client that reuses its token (the common case behind a load balancer too).
  readonly #verified = new LRUCache<string, { principal: Principal; exp: number }>({ max: 20_000 });

  constructor(private readonly keys: KeyStore, private readonly issuer: string,
    private readonly ttlSeconds: number, private readonly now: () => Date,
    private readonly revokedClients: RevokedClients) {}

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
    const cached = this.#verified.get(token);
    let principal: Principal;
    if (cached && cached.exp * 1000 > this.now().getTime()) {
      principal = cached.principal;
    } else {
      const verified = await this.verifyFully(token);
      this.#verified.set(token, verified);
      principal = verified.principal;
    }
    if ((principal.kind === 'institution' || principal.kind === 'operator') && await this.revokedClients.has(principal.clientId)) {
      throw unauthorized('client_revoked', 'The API client this token was issued to has been revoked');
    }
    return principal;
  }

  /** Forget cached verifications, e.g. after a signing key is revoked. */
  forget(): void {
    this.#verified.clear();
    this.#publicKeys.clear();
  }

  private async verifyFully(token: string): Promise<{ principal: Principal; exp: number }> {
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
    const exp = payload.exp!;
    if (payload.kind === 'operator') return { principal: { kind: 'operator', clientId: sub, scopes }, exp };
    if (payload.kind === 'institution' && payload.inst) return { principal: { kind: 'institution', clientId: sub, institutionId: payload.inst, scopes }, exp };
    if (payload.kind === 'learner') return { principal: { kind: 'learner', learnerId: sub, scopes }, exp };
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
