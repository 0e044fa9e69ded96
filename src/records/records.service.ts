import type { Actor, Principal } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { assertActsForInstitution } from '../auth/policy.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db } from '../db/database.js';
import { conflict, forbidden, invalidField, notFound } from '../errors.js';
import type { InstitutionService } from '../institutions/institutions.service.js';
import type { IdentityInput, LearnerService } from '../learners/learners.service.js';
import type { LedgerWriter } from '../ledger/ledger-writer.js';
import { contentHash, contentOf, versionValues } from './achievement-rows.js';
import { assemble } from './achievement-view.js';
import * as repo from './achievements.repository.js';
import { catalogueItems } from './catalogue-lookup.repository.js';
import { checkContent } from './deposit-rules.js';
import { appendVersion, writeDeposits } from './deposit-writer.js';
import { viewOf, visible } from './record-access.js';
import type { FrameworkService } from '../frameworks/frameworks.service.js';
import type { FrameworkSnapshot } from '../frameworks/framework-snapshot.service.js';
import { covers, recordReference, referenceNeeds, type RecordReference, type ReferenceNeeds } from './reference-data.js';
import type { Achievement, CorrectionInput, DepositInput, RevocationHandler } from './records.types.js';

export interface Written { achievement: Achievement; created: boolean }

/** Dates are checked against the latest calendar day anywhere on earth (UTC+14), never rejecting a local "today". */
export const latestToday = (now: Date) => new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);

/** The learner's record: deposits, corrections and revocations, all append-only and ledgered. */
export class RecordsService {
  private readonly revokedHandlers: RevocationHandler[] = [];
  #ref: { snapshot: FrameworkSnapshot; ref: RecordReference } | undefined;

  constructor(readonly db: Db, readonly ledger: LedgerWriter, readonly learners: LearnerService,
    private readonly institutions: InstitutionService, private readonly frameworks: FrameworkService, readonly now: () => Date) {}

  /**
   * The framework data as loaded in the database (the framework service's snapshot, replaced when
   * an operator loads frameworks), re-read when `needs` names something it does not hold yet.
   */
  async reference(needs?: ReferenceNeeds): Promise<RecordReference> {
    const snapshot = needs ? await this.frameworks.snapshotCovering((s) => covers(s, needs)) : await this.frameworks.snapshot();
    if (this.#ref?.snapshot !== snapshot) this.#ref = { snapshot, ref: recordReference(snapshot) };
    return this.#ref.ref;
  }

  /** Registers a reaction to revocations (recognition, credentials); runs inside the revocation's transaction. */
  onRevoked(handler: RevocationHandler): void {
    this.revokedHandlers.push(handler);
  }

  /** The institution a write is made for: a client's own, or the one an operator names. */
  async depositorFor(p: Principal, named: string | undefined, pointer: string): Promise<string> {
    if (p.kind === 'institution') {
      if (named !== undefined && named !== p.institutionId) throw forbidden('other_institution', 'A client may act only for its own institution');
      return p.institutionId;
    }
    if (p.kind !== 'operator') throw forbidden('principal_not_allowed', 'Only institutions and operators deposit');
    if (named === undefined) throw invalidField(pointer, 'institution_required', 'An operator names the depositing institution (institutionId)');
    await this.institutions.get(named);
    return named;
  }

  async deposit(learnerId: string, input: DepositInput, actor: Actor): Promise<Written> {
    const institutionId = await this.depositorFor(actor.principal, input.institutionId, '/body/institutionId');
    if (!(await this.learners.exists(learnerId))) throw notFound('learner', learnerId);
    const item = input.catalogueItemId ? (await catalogueItems(this.db, [input.catalogueItemId])).get(input.catalogueItemId) : undefined;
    const ref = await this.reference(referenceNeeds([input], item ? [item] : []));
    const content = checkContent(input, { depositorId: institutionId, item, ref, today: latestToday(this.now()), at: '/body' });
    const [outcome] = await this.db.transaction().execute((trx) =>
      writeDeposits(trx, this.ledger, actor, institutionId, [{ learnerId, institutionId, externalId: input.externalId, content }], this.now()));
    if (outcome!.kind === 'conflict') {
      throw conflict('natural_key_conflict', `externalId ${input.externalId} already names a different achievement; send a correction to change it`, { achievementId: outcome!.achievementId });
    }
    return { achievement: await this.load(outcome!.achievementId), created: outcome!.kind === 'created' };
  }

  /** A deposit naming its learner in the body, by account id or by an identity that resolves to one (as a batch line does). */
  async depositFor(input: DepositInput & { learnerId?: string; identity?: IdentityInput }, actor: Actor): Promise<Written> {
    const { learnerId, identity, ...deposit } = input;
    if ((learnerId === undefined) === (identity === undefined)) {
      throw invalidField('/body/learnerId', 'learner_required', 'Give exactly one of learnerId or identity');
    }
    if (learnerId !== undefined) {
      if (!(await this.learners.exists(learnerId))) throw invalidField('/body/learnerId', 'learner_not_found', `No learner ${learnerId}`);
      return this.deposit(learnerId, deposit, actor);
    }
    this.learners.normalize(identity!, '/body/identity');
    const found = await this.learners.findByIdentity(identity!);
    if (!found) throw invalidField('/body/identity', 'learner_not_found', 'No learner has this identity');
    return this.deposit(found.id, deposit, actor);
  }

  async get(id: string, actor: Actor): Promise<Achievement> {
    const row = await repo.findAchievement(this.db, id);
    if (!row) throw notFound('achievement', id);
    const view = await viewOf(this.db, actor.principal, row.learner_id, this.now());
    if (!visible(view, row)) throw notFound('achievement', id);
    return this.load(id);
  }

  async load(id: string): Promise<Achievement> {
    const row = await repo.findAchievement(this.db, id);
    if (!row) throw notFound('achievement', id);
    return assemble([row], await repo.versionsOf(this.db, row.learner_id, [id]))[0]!;
  }

  /** A correction supersedes the current version; a retry of the same correction replays it. */
  async correct(id: string, input: CorrectionInput, actor: Actor): Promise<Written> {
    const row = await this.owned(id, actor);
    const item = input.catalogueItemId ? (await catalogueItems(this.db, [input.catalogueItemId])).get(input.catalogueItemId) : undefined;
    const ref = await this.reference(referenceNeeds([input], item ? [item] : []));
    const content = checkContent(input, { depositorId: row.institution_id, item, ref, today: latestToday(this.now()), at: '/body' });
    const created = await this.db.transaction().execute(async (trx) => {
      await repo.lockAchievement(trx, row.learner_id, id);
      const versions = await repo.versionsOf(trx, row.learner_id, [id]);
      const last = versions[versions.length - 1]!;
      const earlier = versions.find((v) => v.supersedes === input.supersedes);
      if (earlier && earlier.action === 'correction' && earlier.reason === input.reason
        && contentHash(row.learner_id, contentOf(earlier)!) === contentHash(row.learner_id, content)) return false;
      if (last.action === 'revocation') throw conflict('achievement_revoked', 'A revoked achievement cannot be corrected');
      if (input.supersedes !== last.version) throw conflict('stale_version', `The current version is ${last.version}, not ${input.supersedes}`, { currentVersion: last.version });
      const at = this.now();
      await appendVersion(trx, this.ledger, actor, versionValues(row.learner_id, id, last.version + 1, content,
        { action: 'correction', supersedes: last.version, reason: input.reason, actor: actorOf(actor.principal), at }));
      await recordWrite(trx, actor, { action: 'achievement.correct', resourceType: 'achievement', resourceId: id, institutionId: row.institution_id, learnerId: row.learner_id }, at);
      return true;
    });
    return { achievement: await this.load(id), created };
  }

  /** Revokes with who and why; revoking again returns the existing revocation. */
  async revoke(id: string, reason: string, actor: Actor): Promise<Written> {
    const row = await this.owned(id, actor);
    const created = await this.db.transaction().execute(async (trx) => {
      await repo.lockAchievement(trx, row.learner_id, id);
      const versions = await repo.versionsOf(trx, row.learner_id, [id]);
      const last = versions[versions.length - 1]!;
      if (last.action === 'revocation') return false;
      const at = this.now();
      const version = last.version + 1;
      await appendVersion(trx, this.ledger, actor, versionValues(row.learner_id, id, version, null,
        { action: 'revocation', supersedes: last.version, reason, actor: actorOf(actor.principal), at }));
      await recordWrite(trx, actor, { action: 'achievement.revoke', resourceType: 'achievement', resourceId: id, institutionId: row.institution_id, learnerId: row.learner_id, detail: { reason } }, at);
      for (const handler of this.revokedHandlers) await handler(trx, { learnerId: row.learner_id, achievementId: id, version, reason, actor, at });
      return true;
    });
    return { achievement: await this.load(id), created };
  }

  private async owned(id: string, actor: Actor) {
    const row = await repo.findAchievement(this.db, id);
    if (!row) throw notFound('achievement', id);
    assertActsForInstitution(actor.principal, row.institution_id);
    return row;
  }
}
