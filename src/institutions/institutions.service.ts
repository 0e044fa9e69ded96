import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor, Principal, Scope } from '../auth/principal.js';
import { INSTITUTION_SCOPES } from '../auth/principal.js';
import { assertActsForInstitution } from '../auth/policy.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import type { RevokedClients } from '../auth/revoked-clients.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db, Executor } from '../db/database.js';
import { AppError, conflict, forbidden, invalidField, notFound } from '../errors.js';
import { checkRegionCode, checkUscc, didWebFor, slugify } from './codes.js';
import * as repo from './institutions.repository.js';

export const INSTITUTION_KINDS = ['university', 'vocational-college', 'open-university', 'mooc-platform',
  'training-provider', 'certification-body', 'employer', 'credit-bank'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

export interface NewInstitution {
  name: { zh?: string; en: string };
  kind: InstitutionKind;
  country: string;
  regionCode?: string;
  uscc?: string;
  slug?: string;
}

export interface Institution {
  id: string; slug: string; name: { zh: string | null; en: string }; kind: string; country: string;
  regionCode: string | null; uscc: string | null; did: string; status: string; createdAt: string;
}

export function toInstitution(r: repo.InstitutionRow): Institution {
  return {
    id: r.id, slug: r.slug, name: { zh: r.name_zh, en: r.name_en }, kind: r.kind, country: r.country,
    regionCode: r.region_code, uscc: r.uscc, did: r.did, status: r.status, createdAt: r.created_at.toISOString(),
  };
}

/**
 * The scopes a new client gets. The operator may grant any institution scope; an institution's
 * client only scopes it holds itself, so no client can mint a more powerful one.
 */
export function grantableScopes(p: Principal, requested: Scope[] | undefined): Scope[] {
  if (p.kind === 'operator') return requested ?? [...INSTITUTION_SCOPES];
  const held = p.kind === 'institution' ? p.scopes : [];
  if (requested === undefined) return INSTITUTION_SCOPES.filter((s) => held.includes(s));
  const missing = requested.filter((s) => !held.includes(s));
  if (missing.length > 0) {
    throw new AppError(403, 'scope_not_held', `A client may grant only scopes it holds; it does not hold: ${missing.join(', ')}`,
      { errors: [{ pointer: '/body/scopes', message: `not held by the caller: ${missing.join(', ')}` }] });
  }
  return requested;
}

export class InstitutionService {
  constructor(private readonly db: Db, private readonly publicUrl: string, private readonly now: () => Date,
    /** Told of each revocation once it commits; absent in services that check no tokens. */
    private readonly revokedClients?: RevokedClients) {}

  /**
   * Registers an institution. The same credit code returns the existing one, also when two
   * requests race (the loser's insert does nothing and it re-reads); an automatic slug taken
   * meanwhile moves on to the next free one, an explicit one is a 409 `slug_taken`.
   */
  async create(input: NewInstitution, actor: Actor): Promise<{ institution: Institution; created: boolean }> {
    const uscc = this.validate(input);
    for (let attempt = 0; attempt < 5; attempt++) {
      if (uscc) {
        const existing = await repo.findInstitutionByUscc(this.db, uscc);
        if (existing) return { institution: toInstitution(existing), created: false };
      }
      const row = await this.db.transaction().execute(async (trx) => {
        const slug = await this.freeSlug(trx, input.slug ?? slugify(input.name.en), input.slug !== undefined);
        const inserted = await repo.insertInstitutionIfAbsent(trx, {
          id: randomUUID(), slug, name_zh: input.name.zh ?? null, name_en: input.name.en, kind: input.kind,
          region_code: input.regionCode ?? null, country: input.country, uscc: uscc ?? null,
          did: didWebFor(this.publicUrl, 'institutions', slug),
        });
        if (inserted) await recordWrite(trx, actor, { action: 'institution.create', resourceType: 'institution', resourceId: inserted.id, institutionId: inserted.id }, this.now());
        return inserted;
      });
      if (row) return { institution: toInstitution(row), created: true };
    }
    throw conflict('institution_conflict', 'Concurrent registrations kept taking the same slug; retry the request');
  }

  private validate(input: NewInstitution): string | undefined {
    if (input.regionCode !== undefined && !checkRegionCode(input.regionCode)) {
      throw invalidField('/body/regionCode', 'invalid_region_code', 'regionCode must be a six-digit GB/T 2260 administrative division code');
    }
    if (input.country === 'CN' && input.uscc === undefined && input.kind !== 'credit-bank') {
      throw invalidField('/body/uscc', 'uscc_required', 'A Chinese institution needs its unified social credit code');
    }
    if (input.uscc === undefined) return undefined;
    const check = checkUscc(input.uscc);
    if (!check.ok) throw invalidField('/body/uscc', 'invalid_uscc', `uscc: ${check.reason}`);
    return check.normalized;
  }

  private async freeSlug(trx: Executor, base: string, exact: boolean): Promise<string> {
    const taken = new Set(await repo.slugsLike(trx, base));
    if (!taken.has(base)) return base;
    if (exact) throw conflict('slug_taken', `The slug ${base} is taken`);
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  }

  async get(id: string): Promise<Institution> {
    const row = await repo.findInstitution(this.db, id);
    if (!row) throw notFound('institution', id);
    return toInstitution(row);
  }

  async getBySlug(slug: string): Promise<Institution> {
    const row = await repo.findInstitutionBySlug(this.db, slug);
    if (!row) throw notFound('institution', slug);
    return toInstitution(row);
  }

  async list(limit: number, after?: string, kind?: string) {
    const rows = await repo.listInstitutions(this.db, { limit, after, kind });
    return { items: rows.slice(0, limit).map(toInstitution), more: rows.length > limit };
  }

  /** Creates an API client; the secret is returned once and stored only as a scrypt hash. */
  async createClient(institutionId: string, input: { name: string; scopes?: Scope[] }, actor: Actor) {
    assertActsForInstitution(actor.principal, institutionId);
    await this.get(institutionId);
    const scopes = grantableScopes(actor.principal, input.scopes);
    const { id, secret } = await this.insertNewClient({ kind: 'institution', institutionId, name: input.name, scopes }, { scopes }, actor);
    return { clientId: id, clientSecret: secret, institutionId, scopes, name: input.name };
  }

  /** Stores a client with a fresh secret (kept only as a scrypt hash) and records it in the audit trail. */
  private async insertNewClient(c: { kind: 'institution' | 'operator'; institutionId: string | null; name: string; scopes: string[] },
    detail: Record<string, unknown>, actor: Actor): Promise<{ id: string; secret: string }> {
    const secret = newSecret();
    const id = `${c.kind === 'operator' ? 'operator' : 'client'}-${randomBytes(9).toString('base64url')}`;
    const secretHash = await hashSecret(secret);
    await this.db.transaction().execute(async (trx) => {
      await repo.insertClient(trx, { id, kind: c.kind, institution_id: c.institutionId, name: c.name, secret_hash: secretHash, scopes: c.scopes });
      await recordWrite(trx, actor, { action: 'client.create', resourceType: 'api_client', resourceId: id, institutionId: c.institutionId ?? undefined, detail }, this.now());
    });
    return { id, secret };
  }

  /** The institution's API clients (never their secrets, which are kept only as hashes). */
  async listClients(institutionId: string, actor: Actor): Promise<ClientView[]> {
    assertActsForInstitution(actor.principal, institutionId);
    await this.get(institutionId);
    return (await repo.listClients(this.db, institutionId)).map(clientView);
  }

  /**
   * Revokes an API client: it gets no new access token, and the tokens it holds stop working at once
   * on this server process and within CLIENT_REVOCATION_SYNC_SECONDS on the others. Revoking a
   * revoked client changes nothing and says so.
   */
  async revokeClient(institutionId: string, clientId: string, reason: string, actor: Actor): Promise<ClientView & { changed: boolean }> {
    assertActsForInstitution(actor.principal, institutionId);
    await this.get(institutionId);
    const { kind: _kind, ...view } = await this.revoke(clientId, institutionId, reason, actor);
    return view;
  }

  /**
   * Revokes any API client, an operator's included (the operator command line: `client:revoke`).
   * The last operator client is not revoked: create another first (`operator:create`), so that the
   * bank is never left with nobody to run it.
   */
  async revokeAnyClient(clientId: string, reason: string, actor: Actor): Promise<ClientView & { kind: 'operator' | 'institution'; changed: boolean }> {
    if (actor.principal.kind !== 'operator') throw forbidden('operator_only', 'Only an operator revokes clients of any kind');
    return this.revoke(clientId, undefined, reason, actor);
  }

  /** Creates another operator client (full access); the secret is returned once and stored only as a scrypt hash. */
  async createOperator(name: string, actor: Actor): Promise<{ clientId: string; clientSecret: string; name: string; scopes: string[] }> {
    if (actor.principal.kind !== 'operator') throw forbidden('operator_only', 'Only an operator creates operator clients');
    const { id, secret } = await this.insertNewClient({ kind: 'operator', institutionId: null, name, scopes: ['*'] }, { kind: 'operator' }, actor);
    return { clientId: id, clientSecret: secret, name, scopes: ['*'] };
  }

  private async revoke(clientId: string, institutionId: string | undefined, reason: string, actor: Actor) {
    const result = await this.db.transaction().execute(async (trx) => {
      const at = this.now();
      const existing = await repo.findClient(trx, clientId);
      if (!existing || (institutionId !== undefined && existing.institution_id !== institutionId)) throw notFound('api_client', clientId);
      if (existing.kind === 'operator' && existing.revoked_at === null) {
        const active = await repo.lockActiveOperators(trx);
        if (active.length === 1 && active[0] === clientId) {
          throw conflict('last_operator', 'This is the last operator client: create another first (npm run cli -- operator:create), then revoke this one');
        }
      }
      const revoked = await repo.revokeClient(trx, clientId, institutionId, at);
      if (!revoked) return { ...clientView(existing), kind: existing.kind, changed: false };
      await recordWrite(trx, actor, { action: 'client.revoke', resourceType: 'api_client', resourceId: clientId, institutionId: existing.institution_id ?? undefined, detail: { reason } }, at);
      return { ...clientView(revoked), kind: revoked.kind, changed: true };
    });
    this.revokedClients?.add(clientId);
    return result;
  }

  /** The first operator client, from BOOTSTRAP_OPERATOR_SECRET, when no operator exists yet. */
  async bootstrapOperator(secret: string | undefined): Promise<boolean> {
    if (!secret) return false;
    if (Number((await repo.countOperators(this.db)).n) > 0) return false;
    // Several instances starting at once: the first insert wins, the others do nothing.
    return repo.insertClientIfAbsent(this.db, { id: 'operator', kind: 'operator', institution_id: null, name: 'Bootstrap operator', secret_hash: await hashSecret(secret), scopes: ['*'] });
  }
}

/** An API client as its institution sees it: never the secret hash. */
export interface ClientView { clientId: string; name: string; scopes: string[]; createdAt: Date; revokedAt: Date | null }

const clientView = (r: repo.ClientRow): ClientView => ({ clientId: r.id, name: r.name, scopes: r.scopes, createdAt: r.created_at, revokedAt: r.revoked_at });
