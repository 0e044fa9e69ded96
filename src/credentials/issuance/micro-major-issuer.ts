import { Decimal } from 'decimal.js';
import type { Actor } from '../../auth/principal.js';
import { assertActsForInstitution } from '../../auth/policy.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import { conflict, invalidField, notFound } from '../../errors.js';
import { catalogueItems } from '../../records/catalogue-lookup.repository.js';
import type { Db } from '../../db/database.js';
import { buildAchievementCredential } from '../core/builders.js';
import type { IssuerDirectory } from '../issuers/issuer-directory.js';
import type { AchievementIssuer, ProgressSource, RecordSource } from './achievement-issuer.js';
import type { IssuanceService, IssuedCredential } from './issuance.service.js';

// Progress is read with the bank's own authority: the caller's right is checked against the micro-major's institution.
const READER: Actor = { principal: { kind: 'operator', clientId: 'micro-major-credentials', scopes: ['records:read'] }, requestId: 'micro-major-credentials' };

/**
 * Micro-major (微专业) completion credentials: issued by the micro-major's institution, only when
 * the records domain finds its completion rule met by the learner's passed, unrevoked achievements.
 * The credential rests on the component achievements it counted, so revoking one of them revokes it.
 */
export class MicroMajorIssuer {
  constructor(private readonly db: Db, private readonly directory: IssuerDirectory, private readonly issuance: IssuanceService,
    private readonly records: RecordSource, private readonly progress: ProgressSource, private readonly achievements: AchievementIssuer,
    private readonly now: () => Date) {}

  async issue(learnerId: string, microMajorId: string, format: CredentialFormat, actor: Actor): Promise<IssuedCredential> {
    const item = (await catalogueItems(this.db, [microMajorId])).get(microMajorId);
    if (!item || item.kind !== 'micro-major') throw invalidField('/body/microMajorId', 'not_a_micro_major', 'no such micro-major in the catalogue');
    assertActsForInstitution(actor.principal, item.institutionId);
    const p = (await this.progress.microMajors(learnerId, READER))
      .find((m) => m.microMajor.institutionId === item.institutionId && m.microMajor.code === item.code);
    if (!p || !p.complete) {
      throw conflict('micro_major_incomplete', `The completion rule is not met: ${p?.explanation ?? 'no component of this micro-major is in the record'}`);
    }
    const issuer = await this.directory.byRef(item.institutionId);
    if (!issuer) throw notFound('institution', item.institutionId);
    const done = await Promise.all(p.done.map((c) => this.records.load(c.achievementId!)));
    const earned = p.done.reduce((sum, c) => sum.plus(Decimal.min(c.earnedCredits ?? c.credits ?? 0, c.credits ?? c.earnedCredits ?? 0)), new Decimal(0));
    const endDate = done.map((a) => a.current.completedOn).sort().at(-1);
    const { id: _placeholder, ...credential } = buildAchievementCredential({
      id: 'urn:uuid:00000000-0000-4000-8000-000000000000',
      issuer: { id: issuer.did, name: [issuer.name.zh, issuer.name.en].filter(Boolean).join(' '), url: issuer.url },
      achievement: { ...this.achievements.achievement(item), criteria: { narrative: `${p.explanation} (rule: ${JSON.stringify(p.rule)})` } },
      subject: {
        ...(await this.achievements.subjectOf(learnerId)),
        creditsEarned: earned.toString(), activityEndDate: endDate ? `${endDate}T00:00:00Z` : undefined,
      },
      validFrom: this.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    return this.issuance.issue({
      issuer, credential, format, learnerId, kind: 'micro-major',
      issuanceKey: `micro-major:${item.institutionId}:${item.code}`, sourceIds: done.map((a) => a.id),
    }, actor);
  }
}
