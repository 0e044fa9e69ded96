import type { Actor } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db } from '../db/database.js';
import { conflict, forbidden, invalidField, notFound } from '../errors.js';
import type { InstitutionService } from '../institutions/institutions.service.js';
import type { LearnerService } from '../learners/learners.service.js';
import { isAwarding } from './awarding-access.js';
import type { ProgrammeService, ProgrammeVersion } from './programmes.service.js';
import * as repo from './programmes.repository.js';

export interface Enrolment { learnerId: string; programmeId: string; version: string; enrolledBy: string; enrolledAt: string }

const toEnrolment = (r: repo.EnrolmentRow): Enrolment => ({
  learnerId: r.learner_id, programmeId: r.programme_id, version: r.version, enrolledBy: r.enrolled_by, enrolledAt: r.enrolled_at.toISOString(),
});

/**
 * A learner enrols in a programme version and is audited against it, unless they ask for a later
 * one. Moving an enrolment to a later version is allowed; back to an earlier one is not.
 */
export class EnrolmentService {
  constructor(private readonly db: Db, private readonly programmes: ProgrammeService, private readonly learners: LearnerService,
    private readonly institutions: InstitutionService, private readonly now: () => Date) {}

  async enrol(learnerId: string, input: { programmeId: string; version?: string }, actor: Actor): Promise<{ enrolment: Enrolment; created: boolean }> {
    await this.assertLearner(learnerId);
    const target = await this.programmes.version(input.programmeId, input.version);
    if (actor.principal.kind !== 'learner') await this.programmes.assertAwarding(actor.principal, target);
    const current = await repo.findEnrolment(this.db, learnerId, target.programmeId);
    if (current?.version === target.version) return { enrolment: toEnrolment(current), created: false };
    if (current && (await this.programmes.version(current.programme_id, current.version)).seq > target.seq) {
      throw conflict('earlier_programme_version', `Already enrolled under ${current.version}, which is later than ${target.version}`);
    }
    return this.db.transaction().execute(async (trx) => {
      const at = this.now();
      const row = await repo.upsertEnrolment(trx, { learner_id: learnerId, programme_id: target.programmeId, version: target.version, enrolled_by: actorOf(actor.principal), enrolled_at: at });
      await recordWrite(trx, actor, { action: current ? 'enrolment.move' : 'enrolment.create', resourceType: 'programme_enrolment', resourceId: `${learnerId}:${target.programmeId}`, learnerId, detail: { version: target.version, from: current?.version ?? null } }, at);
      return { enrolment: toEnrolment(row), created: true };
    });
  }

  /** The learner and operators see every enrolment; an institution sees those in its own programmes. */
  async list(learnerId: string, actor: Actor): Promise<Enrolment[]> {
    await this.assertLearner(learnerId);
    const rows = await repo.enrolmentsOf(this.db, learnerId);
    const p = actor.principal;
    if (p.kind !== 'institution') return rows.map(toEnrolment);
    const slug = (await this.institutions.get(p.institutionId)).slug;
    const own = new Set((await this.programmes.list(slug)).map((v) => v.programmeId));
    return rows.filter((r) => own.has(r.programme_id)).map(toEnrolment);
  }

  /**
   * The version an audit uses: the enrolled one, or a later one the caller names. The learner and
   * operators may audit without an enrolment (latest version); the awarding institution only a
   * learner enrolled in its programme, whose enrolment is the learner's consent to be audited.
   */
  async versionForAudit(learnerId: string, programmeId: string, version: string | undefined, actor: Actor): Promise<ProgrammeVersion> {
    await this.assertLearner(learnerId);
    const enrolment = await repo.findEnrolment(this.db, learnerId, programmeId);
    // Every version of a programme has the same awarding institution (publish enforces it).
    const enrolled = enrolment ? await this.programmes.version(programmeId, enrolment.version) : undefined;
    const base = enrolled ?? await this.programmes.version(programmeId);
    const p = actor.principal;
    if (p.kind === 'institution' && !(await isAwarding(this.institutions, p, base.awardingInstitution))) {
      throw forbidden('not_awarding_institution', `Only the awarding institution (${base.awardingInstitution}) may audit against this programme`);
    }
    if (!enrolment && p.kind === 'institution') throw forbidden('learner_not_enrolled', 'The learner is not enrolled in this programme');
    if (version === undefined) return base;
    const chosen = await this.programmes.version(programmeId, version);
    if (enrolled && chosen.seq < enrolled.seq) {
      throw invalidField('/query/version', 'earlier_programme_version', `Enrolled under ${enrolled.version}; only that or a later version may be chosen`);
    }
    return chosen;
  }

  private async assertLearner(learnerId: string): Promise<void> {
    if (!(await this.learners.exists(learnerId))) throw notFound('learner', learnerId);
  }
}
