import type { Actor } from './principal.js';
import { unauthorized } from '../errors.js';
import type { Db } from '../db/database.js';
import { findClient } from '../institutions/institutions.repository.js';
import type { LearnerService } from '../learners/learners.service.js';
import type { OidcVerifier } from './oidc.js';
import { verifySecret } from './secrets.js';
import type { TokenService } from './tokens.js';

export interface TokenResponse { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }

/** OAuth 2.0 token endpoint logic: client credentials (RFC 6749 §4.4) and ID-token exchange (RFC 8693). */
export class AuthService {
  constructor(private readonly db: Db, private readonly tokens: TokenService,
    private readonly oidc: OidcVerifier, private readonly learners: LearnerService) {}

  async clientCredentials(clientId: string, secret: string, requestedScope?: string): Promise<TokenResponse> {
    const client = await findClient(this.db, clientId);
    // Verify against a dummy hash when the client is unknown, so timing does not reveal client ids.
    const ok = await verifySecret(secret, client?.secret_hash ?? DUMMY_HASH);
    if (!client || !ok || client.revoked_at) throw unauthorized('invalid_client', 'Client authentication failed');
    const granted = client.kind === 'operator' ? ['*'] : client.scopes;
    const scopes = requestedScope ? narrow(granted, requestedScope.split(' ').filter(Boolean)) : granted;
    const { token, expiresIn } = client.kind === 'operator'
      ? await this.tokens.issue({ kind: 'operator', clientId, scopes })
      : await this.tokens.issue({ kind: 'institution', clientId, institutionId: client.institution_id!, scopes });
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
  }

  /**
   * A learner signs in with an ID token. A known login maps to its account; otherwise a verified
   * resident identity claim finds (or opens) the one account of that person.
   */
  async exchangeIdToken(idToken: string, requestId: string): Promise<TokenResponse> {
    const verified = await this.oidc.verify(idToken);
    let learnerId = await this.learners.loginFor(verified.issuer, verified.subject);
    if (!learnerId) {
      if (!verified.identityNumber) throw unauthorized('no_learner_account', 'This sign-in is linked to no learning account and carries no verified identity');
      const actor: Actor = { principal: { kind: 'public' }, requestId };
      const { learner } = await this.learners.register({
        identity: { type: 'cn-resident', number: verified.identityNumber }, name: verified.name ?? verified.subject,
      }, actor);
      learnerId = learner.id;
      await this.learners.linkLogin(verified.issuer, verified.subject, learnerId);
    }
    const { token, expiresIn } = await this.tokens.issue({ kind: 'learner', learnerId, scopes: ['self'] });
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: 'self' };
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function narrow(granted: string[], requested: string[]): string[] {
  if (granted.includes('*')) return requested;
  const bad = requested.filter((s) => !granted.includes(s));
  if (bad.length) throw unauthorized('invalid_scope', `The client does not hold: ${bad.join(', ')}`);
  return requested;
}
