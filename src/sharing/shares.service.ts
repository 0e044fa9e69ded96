import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '../auth/principal.js';
import { assertIsLearner } from '../auth/policy.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db } from '../db/database.js';
import { AppError, invalidField, notFound } from '../errors.js';
import { findInstitution } from '../institutions/institutions.repository.js';
import { achievementsByIds } from '../records/achievements.repository.js';
import type { RecordReader } from '../records/record-reader.js';
import * as repo from './shares.repository.js';

export interface ShareInput {
  achievementIds?: string[];
  expiresAt: string;
  recipient?: { name?: string; institutionId?: string };
  purpose?: string;
}

export interface Share {
  id: string; learnerId: string; scope: 'whole-record' | 'achievements'; achievementIds: string[];
  recipient: { name: string | null; institutionId: string | null }; purpose: string | null;
  expiresAt: string; createdAt: string; revokedAt: string | null; status: 'active' | 'expired' | 'revoked';
}

const MAX_DAYS = 366;
const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Share grants: an unguessable link to part of a record, revocable at once, every access logged. */
export class ShareService {
  constructor(private readonly db: Db, private readonly reader: RecordReader, private readonly ipKey: Buffer,
    private readonly publicUrl: string, private readonly now: () => Date) {}

  private toShare(r: repo.ShareRow): Share {
    const status = r.revoked_at ? 'revoked' : r.expires_at <= this.now() ? 'expired' : 'active';
    return {
      id: r.id, learnerId: r.learner_id, scope: r.whole_record ? 'whole-record' : 'achievements', achievementIds: r.achievement_ids,
      recipient: { name: r.recipient_name, institutionId: r.recipient_institution_id }, purpose: r.purpose,
      expiresAt: r.expires_at.toISOString(), createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null, status,
    };
  }

  /** Creates a grant; the token (256 random bits) is returned once, only its SHA-256 is stored. */
  async create(learnerId: string, input: ShareInput, actor: Actor): Promise<{ share: Share; token: string; url: string }> {
    assertIsLearner(actor.principal, learnerId);
    const now = this.now();
    const expires = new Date(input.expiresAt);
    if (expires <= now) throw invalidField('/body/expiresAt', 'expiry_in_past', 'expiresAt must be in the future');
    if (expires.getTime() - now.getTime() > MAX_DAYS * 86_400_000) throw invalidField('/body/expiresAt', 'expiry_too_far', `a share lasts at most ${MAX_DAYS} days`);
    const ids = [...new Set(input.achievementIds ?? [])];
    if (input.achievementIds !== undefined) {
      const found = new Set((await achievementsByIds(this.db, learnerId, ids)).map((a) => a.id));
      const missing = ids.findIndex((id) => !found.has(id));
      if (missing >= 0) throw invalidField(`/body/achievementIds/${missing}`, 'achievement_not_found', `No achievement ${ids[missing]} in this record`);
    }
    const recipient = input.recipient?.institutionId;
    if (recipient !== undefined && !(await findInstitution(this.db, recipient))) {
      throw invalidField('/body/recipient/institutionId', 'unknown_institution', `No institution ${recipient}`);
    }
    const token = randomBytes(32).toString('base64url');
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await repo.insertShare(trx, {
        learner_id: learnerId, id: randomUUID(), token_hash: hashToken(token), whole_record: input.achievementIds === undefined,
        achievement_ids: ids, recipient_name: input.recipient?.name ?? null, recipient_institution_id: input.recipient?.institutionId ?? null,
        purpose: input.purpose ?? null, expires_at: expires, created_at: now, revoked_at: null,
      });
      await recordWrite(trx, actor, { action: 'share.create', resourceType: 'record_share', resourceId: r.id, learnerId }, now);
      return r;
    });
    return { share: this.toShare(row), token, url: `${this.publicUrl}/shared/${token}` };
  }

  async list(learnerId: string, actor: Actor): Promise<Share[]> {
    assertIsLearner(actor.principal, learnerId);
    return (await repo.sharesOf(this.db, learnerId)).map((r) => this.toShare(r));
  }

  async revoke(learnerId: string, shareId: string, actor: Actor): Promise<Share> {
    assertIsLearner(actor.principal, learnerId);
    const now = this.now();
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await repo.revokeShare(trx, learnerId, shareId, now);
      if (!r) throw notFound('share', shareId);
      await recordWrite(trx, actor, { action: 'share.revoke', resourceType: 'record_share', resourceId: shareId, learnerId }, now);
      return r;
    });
    return this.toShare(row);
  }

  async accesses(learnerId: string, shareId: string, actor: Actor) {
    assertIsLearner(actor.principal, learnerId);
    if (!(await repo.findShare(this.db, learnerId, shareId))) throw notFound('share', shareId);
    return (await repo.accessesOf(this.db, learnerId, shareId)).map((a) => ({
      at: a.accessed_at.toISOString(), outcome: a.outcome, ipHash: a.ip_hash, userAgent: a.user_agent, recipient: a.recipient_name,
    }));
  }

  /** What a link holder sees: only what was granted; a revoked or expired link shows nothing. */
  async open(token: string, client: { ip: string; userAgent: string | undefined }) {
    const row = /^[A-Za-z0-9_-]{43}$/.test(token) ? await repo.findShareByTokenHash(this.db, hashToken(token)) : undefined;
    if (!row) throw notFound('share');
    const share = this.toShare(row);
    await repo.insertAccess(this.db, {
      learner_id: row.learner_id, share_id: row.id, accessed_at: this.now(), outcome: share.status === 'active' ? 'shown' : share.status,
      ip_hash: createHmac('sha256', this.ipKey).update(client.ip).digest('hex').slice(0, 32),
      user_agent: client.userAgent?.slice(0, 500) ?? null, recipient_name: row.recipient_name,
    });
    if (share.status !== 'active') throw new AppError(410, `share_${share.status}`, `This share link was ${share.status}`);
    const learner = await this.reader.learnerName(row.learner_id);
    const transcript = await this.reader.transcriptOf(row.learner_id, row.whole_record ? { kind: 'all' } : { kind: 'partial', depositor: '', shared: new Set(row.achievement_ids) });
    return { share: { expiresAt: share.expiresAt, recipient: share.recipient, purpose: share.purpose, scope: share.scope }, learner, transcript };
  }
}
