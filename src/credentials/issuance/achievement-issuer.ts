import type { Actor } from '../../auth/principal.js';
import { assertActsForInstitution } from '../../auth/policy.js';
import type { CatalogueItem } from '../../catalogue/catalogue.types.js';
import type { Db } from '../../db/database.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import { conflict, invalidField, notFound } from '../../errors.js';
import { catalogueItems } from '../../records/catalogue-lookup.repository.js';
import type { Achievement } from '../../records/records.types.js';
import type { MicroMajorProgress } from '../../records/micro-majors.js';
import { buildAchievementCredential, hashedIdentity, type AchievementInput } from '../core/builders.js';
import type { IssuerDirectory } from '../issuers/issuer-directory.js';
import type { IssuanceService, IssuedCredential } from './issuance.service.js';

const ACHIEVEMENT_TYPES: Record<string, string> = {
  course: 'Course', unit: 'Course', module: 'Course', mooc: 'Course', certificate: 'Certificate',
  exam: 'Assessment', 'micro-major': 'MicroCredential', qualification: 'Certificate',
};

export interface RecordSource { load(id: string): Promise<Achievement> }

/** Micro-major progress from the learning record (the records domain evaluates the completion rule). */
export interface ProgressSource { microMajors(learnerId: string, actor: Actor): Promise<MicroMajorProgress[]> }

/**
 * OB 3.0 credentials for achievements in the learning record: achievement data from the catalogue
 * item, subject data from the record; issued by the institution that deposited it (for a MOOC, the
 * MOOC platform). The subject is the learner's DID if given, else a salted identity hash.
 */
export class AchievementIssuer {
  constructor(private readonly db: Db, private readonly directory: IssuerDirectory, private readonly issuance: IssuanceService,
    private readonly records: RecordSource, private readonly publicUrl: string) {}

  async issue(learnerId: string, achievementId: string, format: CredentialFormat, actor: Actor): Promise<IssuedCredential> {
    const a = await this.records.load(achievementId).catch(() => undefined);
    if (!a || a.learnerId !== learnerId) throw invalidField('/body/achievementId', 'achievement_not_found', 'no such achievement in this learner\'s record');
    assertActsForInstitution(actor.principal, a.institutionId);
    if (a.status !== 'active') throw conflict('achievement_revoked', 'A revoked achievement cannot be credentialed');
    const itemId = a.current.catalogueItemId;
    const item = itemId ? (await catalogueItems(this.db, [itemId])).get(itemId) : undefined;
    if (!item) throw invalidField('/body/achievementId', 'not_a_catalogue_achievement', 'only achievements of catalogue items can be credentialed');
    if (item.kind === 'micro-major') throw invalidField('/body/achievementId', 'use_micro_major_id', 'a micro-major is credentialed from its completion rule: send microMajorId');
    const issuer = await this.directory.byRef(a.institutionId);
    if (!issuer) throw notFound('institution', a.institutionId);
    const learner = await this.subjectOf(learnerId);
    const c = a.current;
    const { id: _placeholder, ...credential } = buildAchievementCredential({
      id: 'urn:uuid:00000000-0000-4000-8000-000000000000',
      issuer: { id: issuer.did, name: [issuer.name.zh, issuer.name.en].filter(Boolean).join(' '), url: issuer.url },
      achievement: this.achievement(item),
      subject: {
        ...learner,
        creditsEarned: c.credits ?? undefined, result: c.result ? [{ value: c.result }] : undefined,
        activityEndDate: `${c.completedOn}T00:00:00Z`, term: c.term ?? undefined,
      },
      validFrom: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    return this.issuance.issue({ issuer, credential, format, learnerId, kind: item.kind, issuanceKey: `achievement:${a.id}`, sourceIds: [a.id] }, actor);
  }

  /** The learner's DID if they gave one, else a salted identity hash (never a clear identity number). */
  async subjectOf(learnerId: string): Promise<{ id: string } | { identifier: ReturnType<typeof hashedIdentity>[] }> {
    const l = await this.db.selectFrom('learners').select(['did', 'subject_salt']).where('id', '=', learnerId).executeTakeFirstOrThrow();
    return l.did ? { id: l.did } : { identifier: [hashedIdentity(learnerId, l.subject_salt)] };
  }

  achievement(item: CatalogueItem): AchievementInput {
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
    };
  }
}
