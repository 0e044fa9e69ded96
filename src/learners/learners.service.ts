import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '../auth/principal.js';
import { assertCanReadLearner } from '../auth/policy.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db } from '../db/database.js';
import { invalidField, notFound } from '../errors.js';
import { open, seal } from '../keys/envelope.js';
import { birthDateOf, checkPassport, checkResidentId, identityHmac, maskIdentity } from './identity.js';
import type { LearnerCache } from './learner-cache.js';
import * as repo from './learners.repository.js';

export type IdentityInput = { type: 'cn-resident'; number: string } | { type: 'passport'; number: string; country: string };

export interface NewLearner {
  identity: IdentityInput;
  name: string;
  nameLatin?: string;
  did?: string;
}

export interface Learner {
  id: string; name: string; nameLatin: string | null; birthDate: string | null; did: string | null;
  identity: { type: string; country: string; masked: string }; createdAt: string;
}

function toLearner(r: repo.LearnerRow): Learner {
  return {
    id: r.id, name: r.name, nameLatin: r.name_latin, birthDate: r.birth_date, did: r.did,
    identity: { type: r.identity_type, country: r.identity_country, masked: r.identity_masked },
    createdAt: r.created_at.toISOString(),
  };
}

const UUID = /^[0-9a-f-]{36}$/i;

interface NormalIdentity { type: 'cn-resident' | 'passport'; country: string; number: string; hmac: string }

export class LearnerService {
  /** `cache`: learner views for reads, kept correct by change notifications (see learner-cache.ts). */
  constructor(private readonly db: Db, private readonly pepper: Buffer, private readonly identityKey: Buffer,
    private readonly now: () => Date, readonly cache?: LearnerCache<Learner>) {}

  normalize(identity: IdentityInput, pointer = '/body/identity'): NormalIdentity {
    const check = identity.type === 'cn-resident' ? checkResidentId(identity.number, this.now()) : checkPassport(identity.number, identity.country);
    if (!check.ok) throw invalidField(`${pointer}/number`, 'invalid_identity_number', `identity.number: ${check.reason}`);
    const country = identity.type === 'cn-resident' ? 'CN' : identity.country;
    return { type: identity.type, country, number: check.normalized, hmac: identityHmac(this.pepper, identity.type, country, check.normalized) };
  }

  /** One person, one account: a second registration with the same identity returns the first. */
  async register(input: NewLearner, actor: Actor): Promise<{ learner: Learner; created: boolean }> {
    const id = this.normalize(input.identity);
    if (input.did !== undefined && !/^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/.test(input.did)) {
      throw invalidField('/body/did', 'invalid_did', 'did must be a DID, e.g. did:key:z6Mk…');
    }
    const existing = await repo.findLearnerByHmac(this.db, id.hmac);
    if (existing) return { learner: toLearner(existing), created: false };
    return this.db.transaction().execute(async (trx) => {
      const learnerId = randomUUID();
      const row = await repo.insertLearnerIfAbsent(trx, {
        id: learnerId, identity_type: id.type, identity_hmac: id.hmac, identity_country: id.country,
        identity_ciphertext: seal(this.identityKey, id.number, learnerId), identity_masked: maskIdentity(id.number),
        name: input.name, name_latin: input.nameLatin ?? null,
        birth_date: id.type === 'cn-resident' ? birthDateOf(id.number) : null, did: input.did ?? null,
        subject_salt: randomBytes(16).toString('hex'), created_by: actor.principal.kind,
      });
      if (!row) {
        // Lost a race with an identical registration: return the winner's account.
        const winner = await repo.findLearnerByHmac(trx, id.hmac);
        return { learner: toLearner(winner!), created: false };
      }
      await recordWrite(trx, actor, { action: 'learner.register', resourceType: 'learner', resourceId: row.id, learnerId: row.id }, this.now());
      return { learner: toLearner(row), created: true };
    });
  }

  /** A read: may come from this instance's cache. Writes and transactions read the database. */
  async get(learnerId: string, actor: Actor): Promise<Learner> {
    assertCanReadLearner(actor.principal, learnerId);
    if (!this.cache) return toLearner(await this.row(learnerId));
    if (!UUID.test(learnerId)) throw notFound('learner', learnerId);
    const learner = await this.cache.get(learnerId, this.#loadView);
    if (!learner) throw notFound('learner', learnerId);
    return learner;
  }

  // Cached views are shared between requests, so they are frozen.
  readonly #loadView = async (id: string): Promise<Learner | undefined> => {
    const row = await repo.findLearner(this.db, id);
    if (!row) return undefined;
    const learner = toLearner(row);
    Object.freeze(learner.identity);
    return Object.freeze(learner);
  };

  async exists(learnerId: string): Promise<boolean> {
    return (await repo.findLearner(this.db, learnerId)) !== undefined;
  }

  /** The clear identity number, for operators only; every reveal is written to the audit trail. */
  async revealIdentity(learnerId: string, actor: Actor): Promise<{ type: string; country: string; number: string }> {
    const row = await this.row(learnerId);
    await recordWrite(this.db, actor, { action: 'learner.identity.reveal', resourceType: 'learner', resourceId: learnerId, learnerId }, this.now());
    return { type: row.identity_type, country: row.identity_country, number: open(this.identityKey, row.identity_ciphertext, row.id) };
  }

  async findByIdentity(identity: IdentityInput): Promise<Learner | undefined> {
    const row = await repo.findLearnerByHmac(this.db, this.normalize(identity).hmac);
    return row ? toLearner(row) : undefined;
  }

  /** The salt that makes a learner's public subject hash unlinkable across learners. */
  async subjectSalt(learnerId: string): Promise<string> {
    return (await this.row(learnerId)).subject_salt;
  }

  async loginFor(issuer: string, subject: string): Promise<string | undefined> {
    return repo.findLogin(this.db, issuer, subject);
  }

  async linkLogin(issuer: string, subject: string, learnerId: string): Promise<void> {
    await repo.insertLogin(this.db, issuer, subject, learnerId);
  }

  private async row(learnerId: string): Promise<repo.LearnerRow> {
    if (!UUID.test(learnerId)) throw notFound('learner', learnerId);
    const row = await repo.findLearner(this.db, learnerId);
    if (!row) throw notFound('learner', learnerId);
    return row;
  }
}

