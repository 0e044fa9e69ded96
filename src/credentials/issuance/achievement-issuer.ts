import type { Actor } from '../../auth/principal.js';
import { assertActsForInstitution } from '../../auth/policy.js';
import type { CatalogueItem } from '../../catalogue/catalogue.types.js';
import type { Db } from '../../db/database.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import { AppError, invalidField, notFound } from '../../errors.js';
import type { GradingScheme } from '../../frameworks/grading.js';
import { catalogueItems } from '../../records/catalogue-lookup.repository.js';
import type { Achievement } from '../../records/records.types.js';
import type { MicroMajorProgress } from '../../records/micro-majors.js';
import { buildAchievementCredential, hashedIdentity, type AchievementInput } from '../core/builders.js';
import { resultDescriptionFor, resultDescriptionId } from '../core/result-description.js';
import type { Issuer, IssuerDirectory } from '../issuers/issuer-directory.js';
import type { IssuanceService, IssuedCredential, IssueRequest } from './issuance.service.js';

const ACHIEVEMENT_TYPES: Record<string, string> = {
  course: 'Course', unit: 'Course', module: 'Course', mooc: 'Course', certificate: 'Certificate',
  exam: 'Assessment', 'micro-major': 'MicroCredential', qualification: 'Certificate',
};

export interface RecordSource {
  load(id: string): Promise<Achievement>;
  /** The loaded framework data; the grading schemes describe an achievement's results. */
  reference(): Promise<{ gradingScheme(id: string): GradingScheme | undefined }>;
}

/** Micro-major progress from the learning record (the records domain evaluates the completion rule). */
export interface ProgressSource { microMajors(learnerId: string, actor: Actor): Promise<MicroMajorProgress[]> }

/** A record achievement together with the catalogue item it was deposited against. */
export interface Credentialable { achievement: Achievement; item: CatalogueItem }

export type NotCredentialable = 'achievement_revoked' | 'not_a_catalogue_achievement' | 'use_micro_major_id';

/** Why an achievement cannot get an OB 3.0 credential of its own; undefined when it can. */
export function notCredentialable(a: Achievement, item: CatalogueItem | undefined): NotCredentialable | undefined {
  if (a.status !== 'active') return 'achievement_revoked';
  if (!item) return 'not_a_catalogue_achievement';
  if (item.kind === 'micro-major') return 'use_micro_major_id';
  return undefined;
}

const REASONS: Record<NotCredentialable, [number, string]> = {
  achievement_revoked: [409, 'A revoked achievement cannot be credentialed'],
  not_a_catalogue_achievement: [422, 'only achievements of catalogue items can be credentialed'],
  use_micro_major_id: [422, 'a micro-major is credentialed from its completion rule (microMajorId on POST /learners/{id}/credentials), not as a record achievement'],
};

/** The problem for a NotCredentialable reason, naming the field that chose the achievement. */
export function notCredentialableError(reason: NotCredentialable, pointer: string): AppError {
  const [status, message] = REASONS[reason];
  return new AppError(status, reason, message, { errors: [{ pointer, message }] });
}

/**
 * OB 3.0 credentials for achievements in the learning record: achievement data from the catalogue
 * item (with a ResultDescription of its grading scheme), subject data from the record; issued by
 * the institution that deposited it (for a MOOC, the MOOC platform). The subject is the learner's
 * DID if given, else a salted identity hash.
 */
export class AchievementIssuer {
  constructor(private readonly db: Db, private readonly directory: IssuerDirectory, private readonly issuance: IssuanceService,
    private readonly records: RecordSource, private readonly publicUrl: string) {}

  async issue(learnerId: string, achievementId: string, format: CredentialFormat, actor: Actor): Promise<IssuedCredential> {
    const a = await this.records.load(achievementId).catch(() => undefined);
    if (!a || a.learnerId !== learnerId) throw invalidField('/body/achievementId', 'achievement_not_found', 'no such achievement in this learner\'s record');
    assertActsForInstitution(actor.principal, a.institutionId);
    const itemId = a.current.catalogueItemId;
    const item = itemId ? (await catalogueItems(this.db, [itemId])).get(itemId) : undefined;
    const reason = notCredentialable(a, item);
    if (reason) throw notCredentialableError(reason, '/body/achievementId');
    return (await this.issueMany(learnerId, [{ achievement: a, item: item! }], format, actor))[0]!;
  }

  /**
   * Credentials for achievements already checked with `notCredentialable` and authorised by the
   * caller, through one issuance batch; an achievement already credentialed in `format` gets its
   * existing credential back (the issuance key is the achievement).
   */
  async issueMany(learnerId: string, list: Credentialable[], format: CredentialFormat, actor: Actor): Promise<IssuedCredential[]> {
    if (list.length === 0) return [];
    const [subject, ref] = await Promise.all([this.subjectOf(learnerId), this.records.reference()]);
    const issuers = new Map<string, Issuer>();
    for (const id of new Set(list.map((c) => c.achievement.institutionId))) {
      const issuer = await this.directory.byRef(id);
      if (!issuer) throw notFound('institution', id);
      issuers.set(id, issuer);
    }
    const reqs = list.map(({ achievement: a, item }): IssueRequest => {
      const issuer = issuers.get(a.institutionId)!;
      const scheme = ref.gradingScheme(item.gradingSchemeId);
      const achievement = this.achievement(item, scheme);
      const c = a.current;
      const { id: _placeholder, ...credential } = buildAchievementCredential({
        id: 'urn:uuid:00000000-0000-4000-8000-000000000000',
        issuer: { id: issuer.did, name: [issuer.name.zh, issuer.name.en].filter(Boolean).join(' '), url: issuer.url },
        achievement,
        subject: {
          ...subject,
          creditsEarned: c.credits ?? undefined,
          // Without a loaded scheme the value still goes out, just not tied to a description.
          result: c.result ? [{ resultDescription: scheme ? resultDescriptionId(achievement.id, scheme) : undefined, value: c.result }] : undefined,
          // The record holds the completion date only (the term is free text), so no activityStartDate.
          activityEndDate: `${c.completedOn}T00:00:00Z`, term: c.term ?? undefined,
        },
      });
      return { issuer, credential, format, learnerId, kind: item.kind, issuanceKey: `achievement:${a.id}`, sourceIds: [a.id] };
    });
    return this.issuance.issueMany(reqs, actor);
  }

  /** The learner's DID if they gave one, else a salted identity hash (never a clear identity number). */
  async subjectOf(learnerId: string): Promise<{ id: string } | { identifier: ReturnType<typeof hashedIdentity>[] }> {
    const l = await this.db.selectFrom('learners').select(['did', 'subject_salt']).where('id', '=', learnerId).executeTakeFirstOrThrow();
    return l.did ? { id: l.did } : { identifier: [hashedIdentity(learnerId, l.subject_salt)] };
  }

  /** The OB Achievement of a catalogue item; with its grading scheme, the results it can carry. */
  achievement(item: CatalogueItem, scheme?: GradingScheme): AchievementInput {
    const url = `${this.publicUrl}/catalogue/${item.id}`;
    const narrative = item.outcomes.map((o) => [o.zh, o.en].filter(Boolean).join(' / ')).join('; ');
    return {
      id: url, name: item.title.zh ?? item.title.en ?? item.code, description: item.title.en ?? item.title.zh ?? item.code,
      achievementType: ACHIEVEMENT_TYPES[item.kind] ?? 'Achievement', humanCode: item.code, version: String(item.version),
      criteria: { narrative: narrative || 'Completion as recorded by the institution' },
      creditsAvailable: item.credits ?? undefined, fieldOfStudy: item.iscedCode ?? undefined, inLanguage: item.language ?? undefined,
      alignment: item.level ? [{
        targetName: `${item.level.frameworkId} level ${item.level.level}`, targetFramework: item.level.frameworkId,
        targetUrl: `${this.publicUrl}/frameworks/${item.level.frameworkId}/${item.level.frameworkVersion}/levels/${item.level.level}`,
        targetCode: String(item.level.level), targetType: 'CFItem',
      }] : undefined,
      resultDescription: scheme ? [resultDescriptionFor(url, scheme)] : undefined,
    };
  }
}
