import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { AppError, conflict, forbidden, invalidField, notFound } from '../errors.js';
import type { InstitutionService } from '../institutions/institutions.service.js';
import type { LearnerService } from '../learners/learners.service.js';
import type { LedgerWriter } from '../ledger/ledger-writer.js';
import { institutionIdBySlug } from './audit-inputs.repository.js';
import { isAwarding } from './awarding-access.js';
import type { EnrolmentService } from './enrolments.service.js';
import type { ProgrammeService, ProgrammeVersion } from './programmes.service.js';
import { WAIVER_RESOURCE, waiverGrantedBody, waiverRevokedBody } from './waiver-events.js';
import * as repo from './waivers.repository.js';

export interface Waiver {
  id: string; learnerId: string; programmeId: string; programmeVersion: string; requirementId: string; institutionId: string;
  reason: string; grantedBy: string; grantedAt: string; ledgerEntryId: number; status: 'live' | 'revoked';
  revocation: { reason: string; revokedBy: string; revokedAt: string; ledgerEntryId: number } | null;
}

export interface GrantInput { programmeId: string; version?: string; requirementId: string; reason: string }

function toWaiver(r: repo.WaiverRow): Waiver {
  return {
    id: r.id, learnerId: r.learner_id, programmeId: r.programme_id, programmeVersion: r.programme_version, requirementId: r.requirement_id,
    institutionId: r.institution_id, reason: r.reason, grantedBy: r.granted_by, grantedAt: r.granted_at.toISOString(),
    ledgerEntryId: Number(r.ledger_entry_id), status: r.revoked_at === null ? 'live' : 'revoked',
    revocation: r.revoked_at === null ? null : {
      reason: r.revocation_reason ?? '', revokedBy: r.revoked_by ?? '', revokedAt: r.revoked_at.toISOString(), ledgerEntryId: Number(r.revoked_entry_id),
    },
  };
}

const isCode = (err: unknown, code: string) => err instanceof AppError && err.code === code;

/**
 * Waivers of programme requirements, granted by the awarding institution (or an operator) to one
 * learner. Programme documents do not model which requirements may be waived, so the awarding
 * institution may waive any requirement the programme version names (not the programme total,
 * which is no requirement). A waiver counts only in audits against the version it was granted
 * under: a later version may change what a requirement means, so it is granted again there.
 * Waivers are never deleted; a revocation is added once, and a standing award that rested on the
 * waiver is not changed by it (its snapshot says what it rested on; rescind it separately).
 */
export class WaiverService {
  constructor(private readonly db: Db, private readonly enrolments: EnrolmentService, private readonly programmes: ProgrammeService,
    private readonly institutions: InstitutionService, private readonly learners: LearnerService, private readonly ledger: LedgerWriter,
    private readonly now: () => Date) {}

  async grant(learnerId: string, input: GrantInput, actor: Actor): Promise<{ waiver: Waiver; created: boolean }> {
    const pv = await this.versionFor(learnerId, input, actor);
    await this.programmes.assertAwarding(actor.principal, pv);
    if (!pv.programme.requirements.some((r) => r.id === input.requirementId)) {
      const known = pv.programme.requirements.map((r) => r.id).join(', ');
      throw invalidField('/body/requirementId', 'unknown_requirement', `Programme ${pv.programmeId} version ${pv.version} has no requirement ${input.requirementId} (it has: ${known})`);
    }
    const institutionId = await institutionIdBySlug(this.db, pv.awardingInstitution);
    if (!institutionId) throw conflict('awarding_institution_not_registered', `The awarding institution ${pv.awardingInstitution} is not registered in the bank`);
    const live = () => repo.liveWaiver(this.db, learnerId, pv.programmeId, pv.version, input.requirementId);
    const existing = await live();
    if (existing) return { waiver: toWaiver(existing), created: false };
    try {
      const { row, created } = await this.insert(learnerId, pv, institutionId, input, actor);
      return { waiver: toWaiver(row), created };
    } catch (err) {
      // The lock makes this rare; the partial unique index is the last word on "one live waiver".
      if (!isUniqueViolation(err)) throw err;
      const winner = await live();
      if (!winner) throw err;
      return { waiver: toWaiver(winner), created: false };
    }
  }

  /** One transaction: the learner's lock, the ledger entry, the row and its audit-trail line; a waiver a racing grant just made wins. */
  private insert(learnerId: string, pv: ProgrammeVersion, institutionId: string, input: GrantInput, actor: Actor): Promise<{ row: repo.WaiverRow; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      await repo.lockLearnerForWaiver(trx, learnerId);
      const raced = await repo.liveWaiver(trx, learnerId, pv.programmeId, pv.version, input.requirementId);
      if (raced) return { row: raced, created: false };
      const at = this.now();
      const fields = {
        id: randomUUID(), programme_id: pv.programmeId, programme_version: pv.version, requirement_id: input.requirementId,
        institution_id: institutionId, reason: input.reason, granted_by: actorOf(actor.principal), granted_at: at,
      };
      const entry = await this.ledger.append(trx, { eventType: 'qualification.waiver_granted', actor, learnerId, resourceType: WAIVER_RESOURCE, resourceId: fields.id, body: waiverGrantedBody(fields), at });
      await repo.insertWaiver(trx, { ...fields, learner_id: learnerId, ledger_entry_id: entry.id, revoked_at: null, revoked_by: null, revocation_reason: null, revoked_entry_id: null });
      await recordWrite(trx, actor, {
        action: 'qualification.waiver.grant', resourceType: WAIVER_RESOURCE, resourceId: fields.id, learnerId, institutionId,
        detail: { programmeId: pv.programmeId, version: pv.version, requirementId: input.requirementId, reason: input.reason },
      }, at);
      return { row: (await repo.findWaiver(trx, learnerId, fields.id))!, created: true };
    });
  }

  async revoke(learnerId: string, waiverId: string, reason: string, actor: Actor): Promise<{ waiver: Waiver; created: boolean }> {
    if (!(await this.learners.exists(learnerId))) throw notFound('learner', learnerId);
    const found = await repo.findWaiver(this.db, learnerId, waiverId);
    if (!found) throw notFound('waiver', waiverId);
    const p = actor.principal;
    if (!(p.kind === 'operator' || (p.kind === 'institution' && p.institutionId === found.institution_id))) {
      throw forbidden('not_awarding_institution', 'Only the awarding institution of the programme may revoke this waiver');
    }
    if (found.revoked_at !== null) return { waiver: toWaiver(found), created: false };
    const out = await this.db.transaction().execute(async (trx) => {
      const row = (await repo.findWaiver(trx, learnerId, waiverId, true))!;
      if (row.revoked_at !== null) return { row, created: false };
      const at = this.now();
      const by = actorOf(p);
      const body = waiverRevokedBody({ id: row.id, revoked_by: by, revocation_reason: reason, revoked_at: at });
      const entry = await this.ledger.append(trx, { eventType: 'qualification.waiver_revoked', actor, learnerId, resourceType: WAIVER_RESOURCE, resourceId: row.id, body, at });
      await repo.revokeWaiver(trx, learnerId, row.id, { at, by, reason, entryId: entry.id });
      await recordWrite(trx, actor, {
        action: 'qualification.waiver.revoke', resourceType: WAIVER_RESOURCE, resourceId: row.id, learnerId, institutionId: row.institution_id,
        detail: { programmeId: row.programme_id, version: row.programme_version, requirementId: row.requirement_id, reason },
      }, at);
      return { row: (await repo.findWaiver(trx, learnerId, row.id))!, created: true };
    });
    return { waiver: toWaiver(out.row), created: out.created };
  }

  /** The learner and operators see every waiver of the programme; an institution only if it awards the programme. */
  async list(learnerId: string, programmeId: string, actor: Actor): Promise<Waiver[]> {
    if (!(await this.learners.exists(learnerId))) throw notFound('learner', learnerId);
    const latest = await this.programmes.version(programmeId);
    const p = actor.principal;
    if (p.kind === 'institution' && !(await isAwarding(this.institutions, p, latest.awardingInstitution))) {
      throw forbidden('not_awarding_institution', `Only the awarding institution (${latest.awardingInstitution}) may list waivers of this programme`);
    }
    return (await repo.waiversOf(this.db, learnerId, programmeId)).map(toWaiver);
  }

  /**
   * The version the waiver is granted under: the one the learner is audited under (enrolled, or a
   * later one named), with the same access rules as audits and awards. Unknown programmes and
   * versions name the body field.
   */
  private async versionFor(learnerId: string, input: GrantInput, actor: Actor): Promise<ProgrammeVersion> {
    if (!(await this.learners.exists(learnerId))) throw notFound('learner', learnerId);
    try {
      await this.programmes.version(input.programmeId);
    } catch (err) {
      if (isCode(err, 'programme_not_found')) throw invalidField('/body/programmeId', 'programme_not_found', `No programme ${input.programmeId}`);
      throw err;
    }
    try {
      return await this.enrolments.versionForAudit(learnerId, input.programmeId, input.version, actor);
    } catch (err) {
      if (isCode(err, 'programme_not_found')) throw invalidField('/body/version', 'programme_version_not_found', `Programme ${input.programmeId} has no version ${input.version}`);
      if (isCode(err, 'earlier_programme_version')) throw invalidField('/body/version', 'earlier_programme_version', (err as Error).message);
      throw err;
    }
  }
}
