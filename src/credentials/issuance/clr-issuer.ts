import { createHash } from 'node:crypto';
import type { Actor } from '../../auth/principal.js';
import { assertIsLearner } from '../../auth/policy.js';
import type { CatalogueItem } from '../../catalogue/catalogue.types.js';
import type { Db, Executor } from '../../db/database.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import { conflict, notFound } from '../../errors.js';
import { catalogueItems } from '../../records/catalogue-lookup.repository.js';
import type { Achievement } from '../../records/records.types.js';
import { buildAchievement, buildClrCredential, type AssociationInput } from '../core/builders.js';
import type { JsonObject } from '../core/did-key.js';
import type { IssuerDirectory } from '../issuers/issuer-directory.js';
import type { AchievementIssuer, ProgressSource } from './achievement-issuer.js';
import {
  blockedError, credentialedPartOf, microMajorCredentials, partOfAssociations, planCredentials, selectAchievements, uncredentialedMicroMajors,
} from './clr-contents.js';
import * as repo from './credentials.repository.js';
import type { IssuanceService, IssuedCredential } from './issuance.service.js';
import { findLearner } from '../../learners/learners.repository.js';

/** The whole learning record of a learner with the catalogue items it names (the records domain's reader). */
export interface LearnerRecordSource {
  visibleRecord(db: Executor, learnerId: string, view: { kind: 'all' }): Promise<{ achievements: Achievement[]; items: Map<string, CatalogueItem> }>;
}

export interface ClrOptions { achievementIds?: string[]; format?: CredentialFormat }

// Micro-major progress is read on the bank's behalf; the caller was authorised for the learner already.
const READER: Actor = { principal: { kind: 'operator', clientId: 'clr-issuer', scopes: ['records:read'] }, requestId: 'clr-issuer' };

/**
 * CLR 2.0 transcript issued by the bank, built from the learning record: the whole transcript or
 * the chosen achievements. Each achievement's AchievementCredential (by its depositing institution)
 * is reused when issued already, else issued first through the same issuance path, so it gets its
 * own status entries, audit line and ledger entry. The same bundle and format give the same CLR.
 */
export class ClrIssuer {
  constructor(private readonly db: Db, private readonly directory: IssuerDirectory, private readonly issuance: IssuanceService,
    private readonly records: LearnerRecordSource & ProgressSource, private readonly achievements: AchievementIssuer) {}

  async issue(learnerId: string, opts: ClrOptions, actor: Actor): Promise<IssuedCredential> {
    if (actor.principal.kind === 'learner') assertIsLearner(actor.principal, learnerId);
    if (!(await findLearner(this.db, learnerId))) throw notFound('learner', learnerId);
    const format = opts.format ?? 'eddsa-rdfc-2022';
    // A CLR embeds credential objects, so a JWT-secured CLR still bundles Data Integrity credentials.
    const embedFormat: CredentialFormat = format === 'vc+jwt' ? 'eddsa-rdfc-2022' : format;
    const { achievements, items } = await this.records.visibleRecord(this.db, learnerId, { kind: 'all' });
    const selection = selectAchievements(achievements, items, opts.achievementIds);
    const plan = planCredentials(selection.chosen, await repo.listForLearner(this.db, learnerId), embedFormat);
    if (opts.achievementIds && plan.blocked.length > 0) throw blockedError(plan.blocked);
    const issued = await this.achievements.issueMany(learnerId, plan.issue, embedFormat, actor);
    const fresh = new Map(plan.issue.map((c, i) => [c.achievement.id, issued[i]!.row]));
    // In record order; a credential revoked between the look-up and now stays out.
    const components = new Map(selection.chosen.flatMap((c) => {
      const row = plan.reuse.get(c.achievement.id) ?? fresh.get(c.achievement.id);
      return row && row.status === 'active' ? [[c.achievement.id, row] as const] : [];
    }));
    if (components.size === 0) throw conflict('achievement_credential_not_active', 'Every achievement credential of the learner was revoked or suspended by its issuer: there is nothing to bundle');
    // Rows again, so micro-major credentials are seen with the component credentials just issued.
    const microMajors = microMajorCredentials(await repo.listForLearner(this.db, learnerId, ['micro-major']), new Set(components.keys()), embedFormat);
    const programmes = await this.programmes(learnerId, components, microMajors);
    const partial = selection.leftOut || components.size < selection.chosen.length;
    return this.issueClr(learnerId, { bundle: [...components.values(), ...microMajors], partial, ...programmes }, format, actor);
  }

  /**
   * How the bundle relates to micro-majors: a bundled micro-major credential and, for micro-majors
   * the learner has components of but no bundled credential, the micro-major's Achievement listed
   * in the ClrSubject; each bundled component `isPartOf` it.
   */
  private async programmes(learnerId: string, components: Map<string, repo.CredentialRow>, microMajors: repo.CredentialRow[]) {
    const open = uncredentialedMicroMajors(await this.records.microMajors(learnerId, READER), new Set(components.keys()), new Set(microMajors.map((r) => r.issuance_key)));
    const items = await catalogueItems(this.db, open.map((m) => m.itemId));
    const achievements: JsonObject[] = [];
    const links = credentialedPartOf(microMajors);
    for (const m of open) {
      const item = items.get(m.itemId);
      const creator = await this.directory.byRef(m.institutionId);
      if (!item || !creator) continue;
      const input = this.achievements.achievement(item);
      achievements.push(buildAchievement(input, { id: creator.did, name: [creator.name.zh, creator.name.en].filter(Boolean).join(' '), url: creator.url }));
      links.push({ targetId: input.id, componentIds: m.componentIds });
    }
    return { achievements, associations: partOfAssociations(components, links) };
  }

  private async issueClr(learnerId: string, c: { bundle: repo.CredentialRow[]; partial: boolean; achievements: JsonObject[]; associations: AssociationInput[] },
    format: CredentialFormat, actor: Actor): Promise<IssuedCredential> {
    const bank = this.directory.bank();
    const ids = c.bundle.map((r) => r.id).sort();
    const { id: _placeholder, ...credential } = buildClrCredential({
      id: 'urn:uuid:00000000-0000-4000-8000-000000000000', name: `学习成果记录 Comprehensive Learner Record`,
      issuer: { id: bank.did, name: `${bank.name.zh} ${bank.name.en}`, url: bank.url }, partial: c.partial,
      subject: await this.achievements.subjectOf(learnerId),
      credentials: c.bundle.map((r) => r.document as JsonObject), achievements: c.achievements, associations: c.associations,
    });
    // The listed micro-major Achievements follow from the bundle and the catalogue; the key covers what the learner holds.
    const key = createHash('sha256').update(`${ids.join(',')}|partial=${c.partial}|programmes=${c.achievements.map((a) => a.id).sort().join(',')}`).digest('hex');
    return this.issuance.issue({ issuer: bank, credential, format, learnerId, kind: 'clr',
      issuanceKey: `clr:${key}`, sourceIds: [...new Set(c.bundle.flatMap((r) => r.source_ids))] }, actor);
  }
}
