import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { Decimal } from 'decimal.js';
import type { Actor } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { CredentialsModule } from '../credentials/credentials.module.js';
import { lockCredential } from '../credentials/issuance/credentials.repository.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import type { LearnerService } from '../learners/learners.service.js';
import type { LedgerWriter } from '../ledger/ledger-writer.js';
import { findLearner } from '../learners/learners.repository.js';
import { institutionIdBySlug } from './audit-inputs.repository.js';
import type { AuditView } from './audit-view.js';
import type { QualificationAuditService } from './audit.service.js';
import { awardCredential } from './award-credential.js';
import { AWARD_RESOURCE, RESCISSION_RESOURCE, awardedEventBody, rescindedEventBody } from './award-events.js';
import * as repo from './awards.repository.js';
import type { EnrolmentService } from './enrolments.service.js';
import type { ProgrammeService, ProgrammeVersion } from './programmes.service.js';

export interface Award {
  id: string; learnerId: string; programmeId: string; programmeVersion: string; institutionId: string;
  status: 'awarded' | 'rescinded'; totalCredits: string; snapshotDigest: string; auditSnapshot: AuditView;
  credentialId: string | null; awardedBy: string; awardedAt: string; ledgerEntryId: number;
  rescission: { reason: string; rescindedBy: string; rescindedAt: string; ledgerEntryId: number } | null;
}

function toAward(r: repo.AwardRow, x?: repo.RescissionRow): Award {
  return {
    id: r.id, learnerId: r.learner_id, programmeId: r.programme_id, programmeVersion: r.programme_version, institutionId: r.institution_id,
    status: r.status, totalCredits: new Decimal(r.total_credits).toString(), snapshotDigest: r.snapshot_digest, auditSnapshot: r.audit_snapshot as AuditView,
    credentialId: r.credential_id, awardedBy: r.awarded_by, awardedAt: r.awarded_at.toISOString(), ledgerEntryId: Number(r.ledger_entry_id),
    rescission: x ? { reason: x.reason, rescindedBy: x.rescinded_by, rescindedAt: x.rescinded_at.toISOString(), ledgerEntryId: Number(x.ledger_entry_id) } : null,
  };
}

export const snapshotDigest = (v: AuditView) => createHash('sha256').update(canonicalize(v) ?? '', 'utf8').digest('hex');


function incomplete(view: AuditView): AppError {
  const unmet = view.requirements.filter((r) => r.status === 'partly' || r.status === 'not');
  const list = unmet.map((r) => `${r.id} (${r.name.en}): ${r.missing} ${r.unit} missing`).join('; ');
  return new AppError(409, 'audit_incomplete', `The audit is not complete: ${list}`, {
    errors: unmet.map((r) => ({ pointer: `/requirements/${r.id}`, message: `${r.name.en}: ${r.missing} ${r.unit} missing` })),
    extra: { unmetRequirements: unmet.map((r) => ({ id: r.id, missing: r.missing, unit: r.unit })) },
  });
}

/** Awards on a complete audit, with the snapshot it rests on; rescissions never delete. */
export class AwardService {
  constructor(private readonly db: Db, private readonly audits: QualificationAuditService, private readonly enrolments: EnrolmentService,
    private readonly programmes: ProgrammeService, private readonly learners: LearnerService, private readonly ledger: LedgerWriter,
    private readonly credentials: CredentialsModule, private readonly publicUrl: string, private readonly now: () => Date) {}

  async award(learnerId: string, input: { programmeId: string; version?: string }, actor: Actor): Promise<{ award: Award; created: boolean }> {
    const pv = await this.enrolments.versionForAudit(learnerId, input.programmeId, input.version, actor);
    await this.programmes.assertAwarding(actor.principal, pv);
    const institutionId = await institutionIdBySlug(this.db, pv.awardingInstitution);
    if (!institutionId) throw conflict('awarding_institution_not_registered', `The awarding institution ${pv.awardingInstitution} is not registered in the bank`);
    const existing = await repo.standingAward(this.db, learnerId, pv.programmeId);
    if (existing) return { award: await this.withCredential(existing, pv, actor), created: false };
    let row: repo.AwardRow;
    try {
      row = await this.db.transaction().execute(async (trx) => {
        const view = await this.audits.run(trx, learnerId, pv, []);
        if (!view.complete) throw incomplete(view);
        const at = this.now();
        const fields = {
          learner_id: learnerId, id: randomUUID(), programme_id: pv.programmeId, programme_version: pv.version, institution_id: institutionId,
          snapshot_digest: snapshotDigest(view), total_credits: view.totalCounted, awarded_at: at,
        };
        const entry = await this.ledger.append(trx, { eventType: 'qualification.awarded', actor, learnerId, resourceType: AWARD_RESOURCE, resourceId: fields.id, body: awardedEventBody(fields), at });
        await repo.insertAward(trx, { ...fields, audit_snapshot: JSON.stringify(view), status: 'awarded', credential_id: null, awarded_by: actorOf(actor.principal), ledger_entry_id: entry.id });
        await recordWrite(trx, actor, { action: 'qualification.award', resourceType: 'award', resourceId: fields.id, learnerId, institutionId, detail: { programmeId: pv.programmeId, version: pv.version, snapshotDigest: fields.snapshot_digest } }, at);
        return (await repo.findAward(trx, fields.id))!;
      });
    } catch (err) {
      // A concurrent award of the same programme won the natural key: return it.
      if (!isUniqueViolation(err)) throw err;
      const winner = await repo.standingAward(this.db, learnerId, pv.programmeId);
      if (!winner) throw err;
      return { award: await this.withCredential(winner, pv, actor), created: false };
    }
    return { award: await this.withCredential(row, pv, actor), created: true };
  }

  /**
   * Issues the degree credential through the credentials service (idempotent by award id), after
   * the award committed: signing runs outside any transaction. A failure leaves the award without
   * a credential; a retried award request issues it.
   */
  private async withCredential(row: repo.AwardRow, pv: ProgrammeVersion, actor: Actor): Promise<Award> {
    if (row.credential_id !== null || row.status !== 'awarded') return this.get(row);
    const issuer = await this.credentials.directory.byRef(row.institution_id);
    if (!issuer) return this.get(row);
    const learner = (await findLearner(this.db, row.learner_id))!;
    const now = this.now();
    const credential = awardCredential({
      awardId: row.id, pv, issuer, publicUrl: this.publicUrl, totalCounted: new Decimal(row.total_credits).toString(), awardedOn: row.awarded_at.toISOString().slice(0, 10),
      validFrom: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), learner: { id: row.learner_id, did: learner.did, subjectSalt: learner.subject_salt },
    });
    const issued = await this.credentials.issuance.issue({
      issuer, credential, format: 'eddsa-rdfc-2022', learnerId: row.learner_id, kind: 'qualification', issuanceKey: `award:${row.id}`, sourceIds: [row.id],
    }, actor);
    await repo.setCredential(this.db, row.learner_id, row.id, issued.id);
    return this.get((await repo.findAward(this.db, row.id))!);
  }

  async rescind(awardId: string, reason: string, actor: Actor): Promise<{ award: Award; created: boolean }> {
    const found = /^[0-9a-f-]{36}$/i.test(awardId) ? await repo.findAward(this.db, awardId) : undefined;
    if (!found) throw notFound('award', awardId);
    const p = actor.principal;
    if (!(p.kind === 'operator' || (p.kind === 'institution' && p.institutionId === found.institution_id))) {
      throw forbidden('not_awarding_institution', 'Only the awarding institution may rescind an award');
    }
    if (found.status === 'rescinded') return { award: await this.get(found), created: false };
    const created = await this.db.transaction().execute(async (trx) => {
      const row = (await repo.findAward(trx, awardId, true))!;
      if (row.status === 'rescinded') return false;
      const at = this.now();
      const body = rescindedEventBody({ award_id: row.id, reason, rescinded_at: at });
      const entry = await this.ledger.append(trx, { eventType: 'qualification.rescinded', actor, learnerId: row.learner_id, resourceType: RESCISSION_RESOURCE, resourceId: row.id, body, at });
      await repo.insertRescission(trx, { learner_id: row.learner_id, award_id: row.id, reason, rescinded_by: actorOf(p), rescinded_at: at, ledger_entry_id: entry.id });
      await repo.markRescinded(trx, row.learner_id, row.id);
      await recordWrite(trx, actor, { action: 'qualification.rescind', resourceType: 'award', resourceId: row.id, learnerId: row.learner_id, institutionId: row.institution_id, detail: { reason } }, at);
      const credential = row.credential_id ? await lockCredential(trx, row.credential_id) : undefined;
      if (credential) await this.credentials.status.apply(trx, credential, 'revoke', `award rescinded: ${reason}`, actor);
      return true;
    });
    return { award: await this.get((await repo.findAward(this.db, awardId))!), created };
  }

  /** The learner and operators see every award; an institution the awards it made. */
  async list(learnerId: string, actor: Actor): Promise<Award[]> {
    if (!(await this.learners.exists(learnerId))) throw notFound('learner', learnerId);
    const p = actor.principal;
    const rows = (await repo.awardsOf(this.db, learnerId)).filter((r) => p.kind !== 'institution' || r.institution_id === p.institutionId);
    const rescissions = new Map((await repo.rescissionsOf(this.db, learnerId, rows.map((r) => r.id))).map((x) => [x.award_id, x]));
    return rows.map((r) => toAward(r, rescissions.get(r.id)));
  }

  private async get(row: repo.AwardRow): Promise<Award> {
    const [x] = await repo.rescissionsOf(this.db, row.learner_id, [row.id]);
    return toAward(row, x);
  }
}
