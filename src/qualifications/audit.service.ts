import type { Actor } from '../auth/principal.js';
import type { RecordReference } from '../records/reference-data.js';
import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import type { Db, Executor } from '../db/database.js';
import { invalidField } from '../errors.js';
import { isValidResult } from '../frameworks/grading.js';
import { assemble } from '../records/achievement-view.js';
import { achievementsOf, versionsOf } from '../records/achievements.repository.js';
import type { RecordsModule } from '../records/records.module.js';
import { type AuditEngine, loadAuditEngine } from './audit/audit.js';
import type { AuditItem, CandidateItem } from './audit/programme.js';
import { AuditCache, type CandidateSet } from './audit-cache.js';
import * as inputs from './audit-inputs.repository.js';
import { toAuditView, type AuditView } from './audit-view.js';
import type { EnrolmentService } from './enrolments.service.js';
import { candidateItem, hypotheticalItem, recognisedItem, replacedBy, type RecognisedCredit } from './extra-items.js';
import { matches } from './programme-mapping.js';
import { liveWaivers } from './waivers.repository.js';
import type { ProgrammeVersion } from './programmes.service.js';
import { achievementItem, catalogueFacts, catalogueRef, isExcluded, type ExcludedItem, type RecordContext } from './record-items.js';

export interface Hypothetical { catalogueItemId: string; result?: string; completedOn?: string }

const CANDIDATE_LIMIT = 2000;

/** The credit system a target institution granted recognised credit in on a day (the recognition domain's rule). */
export type GrantCreditSystem = (db: Executor, targetInstitutionId: string, programmeId: string | null, date: string) => Promise<string>;

/** Audits a learner's record (own achievements + recognised credits) against a programme version. */
export class QualificationAuditService {
  #engine: Promise<AuditEngine> | undefined;
  private readonly cache = new AuditCache();
  #grantCreditSystem: GrantCreditSystem | undefined;

  constructor(private readonly db: Db, private readonly records: RecordsModule, private readonly enrolments: EnrolmentService,
    private readonly now: () => Date, engine?: AuditEngine) {
    if (engine) this.#engine = Promise.resolve(engine);
  }

  /** Set by the context once recognition exists: without it recognised credit is read as in the programme's system. */
  connectRecognition(grantCreditSystem: GrantCreditSystem): void {
    this.#grantCreditSystem = grantCreditSystem;
  }

  /** HiGHS is loaded once per service instance, on first use. */
  engine(): Promise<AuditEngine> {
    this.#engine ??= loadAuditEngine();
    return this.#engine;
  }

  async audit(learnerId: string, programmeId: string, version: string | undefined, actor: Actor): Promise<AuditView> {
    const pv = await this.enrolments.versionForAudit(learnerId, programmeId, version, actor);
    return this.run(this.db, learnerId, pv, []);
  }

  async whatIf(learnerId: string, programmeId: string, version: string | undefined, items: Hypothetical[], actor: Actor): Promise<AuditView> {
    const pv = await this.enrolments.versionForAudit(learnerId, programmeId, version, actor);
    return this.run(this.db, learnerId, pv, items);
  }

  /**
   * One audit as of today; also used by awards (inside their transaction) for the snapshot. The
   * learner's live waivers granted under this programme version are read here on every run (never
   * cached), so a grant or revocation shows in the next audit.
   */
  async run(db: Executor, learnerId: string, pv: ProgrammeVersion, hypotheticals: Hypothetical[]): Promise<AuditView> {
    const asOf = this.now().toISOString().slice(0, 10);
    const input = await this.auditInput(db, learnerId, pv, hypotheticals, asOf);
    const engine = await this.engine();
    const options = { asOf, candidates: input.candidates, maxSuggestions: 5, waivers: input.waivers.map((w) => ({ requirementId: w.requirement_id, reason: w.reason })) };
    const result = input.extra.length > 0 ? engine.whatIf(pv.programme, input.items, input.extra, options) : engine.audit(pv.programme, input.items, options);
    return toAuditView({ learnerId, digest: pv.digest, result, items: [...input.items, ...input.extra], excluded: input.excluded, candidates: input.candidatesByRef,
      waiverIds: new Map(input.waivers.map((w) => [w.requirement_id, w.id])) });
  }

  /**
   * What the engine audits, read and built from the record. A function of its own so that the
   * database rows it reads are garbage before the engine runs: kept alive through the engine's
   * ~10 ms they survived two scavenges and were promoted (≈ 1 MB per audit), filling the old
   * generation and adding full collections to the tail.
   */
  private async auditInput(db: Executor, learnerId: string, pv: ProgrammeVersion, hypotheticals: Hypothetical[], asOf: string) {
    // Independent reads go out together: on a pool they overlap, inside a transaction pg queues them.
    const [rows, versions, awardingId, waivers, ref] = await Promise.all([achievementsOf(db, learnerId), versionsOf(db, learnerId),
      inputs.institutionIdBySlug(db, pv.awardingInstitution), liveWaivers(db, learnerId, pv.programmeId, pv.version), this.records.service.reference()]);
    const achievements = assemble(rows, versions);
    const [recognised, cands] = await Promise.all([awardingId ? this.recognisedCredits(db, learnerId, awardingId, pv.programmeId) : [],
      this.candidateSet(db, pv, ref)]);
    const catalogue = new Map([...cands.items, ...await this.cache.catalogue(db, [
      ...achievements.flatMap((a) => (a.current.catalogueItemId ? [a.current.catalogueItemId] : [])),
      ...recognised.flatMap((r) => (r.targetItemId ? [r.targetItemId] : [])), ...hypotheticals.map((h) => h.catalogueItemId)])]);
    const slugIds = [...achievements.map((a) => a.institutionId), ...[...catalogue.values()].map((i) => i.institutionId), ...recognised.flatMap((r) => r.sourceInstitutionIds)];
    const slugs = new Map([...cands.slugs, ...await inputs.slugsOf(db, slugIds.filter((id) => !cands.slugs.has(id)))]);
    const c = this.context(pv, catalogue, slugs, ref);
    const replaced = replacedBy(recognised);
    const built = achievements.map((a) => replaced.get(a.id) ?? achievementItem(c, a));
    const byId = new Map(achievements.map((a) => [a.id, a]));
    const fromRecognition = recognised.map((r) => recognisedItem(c, r, byId));
    const all = [...built, ...fromRecognition];
    return {
      items: all.filter((b): b is AuditItem => !isExcluded(b)),
      excluded: all.filter(isExcluded),
      extra: hypotheticals.map((h, i) => this.hypothetical(c, h, i, asOf)),
      candidates: cands.candidates, candidatesByRef: cands.byRef, waivers,
    };
  }

  /** Live recognised credits at the awarding institution, each with the credit system it was granted in. */
  private async recognisedCredits(db: Executor, learnerId: string, awardingId: string, programmeId: string): Promise<RecognisedCredit[]> {
    const credits = await inputs.recognisedCreditsOf(db, learnerId, awardingId, programmeId);
    const systemOf = this.#grantCreditSystem;
    if (!systemOf) return credits;
    return Promise.all(credits.map(async (r) => ({ ...r, creditSystemId: await systemOf(db, awardingId, r.programmeId, r.recognisedOn) })));
  }

  private context(pv: ProgrammeVersion, catalogue: Map<string, CatalogueItem>, slugs: Map<string, string>, ref: RecordReference): RecordContext {
    return { programme: pv.programme, mapping: pv.mapping, catalogue, slugs, gradingScheme: (id) => ref.gradingScheme(id), creditSystem: (id) => ref.creditSystem(id).system,
      gradeConversions: ref.gradeConversions };
  }

  /** Current catalogue items in the programme's credit system that its mapping admits; cached per version. */
  private candidateSet(db: Executor, pv: ProgrammeVersion, ref: RecordReference): Promise<CandidateSet> {
    return this.cache.candidates(`${pv.programmeId}@${pv.version}:${pv.digest}`, async () => {
      const ids = await inputs.candidateIds(db, pv.programme.creditSystem, undefined, CANDIDATE_LIMIT);
      const items = await this.cache.catalogue(db, ids);
      const slugs = await inputs.slugsOf(db, [...items.values()].map((i) => i.institutionId));
      return { ...this.candidates(this.context(pv, items, slugs, ref), new Set(ids)), items, slugs };
    });
  }

  private hypothetical(c: RecordContext, h: Hypothetical, i: number, asOf: string): AuditItem {
    const item = c.catalogue.get(h.catalogueItemId);
    if (!item) throw invalidField(`/body/items/${i}/catalogueItemId`, 'unknown_catalogue_item', `No catalogue item ${h.catalogueItemId}`);
    const scheme = c.gradingScheme(item.gradingSchemeId);
    if (h.result !== undefined && (!scheme || !isValidResult(scheme, h.result))) {
      throw invalidField(`/body/items/${i}/result`, 'invalid_result', `${h.result} is not a result of grading scheme ${item.gradingSchemeId}`);
    }
    const built = hypotheticalItem(c, `what-if:${i}`, item, h.result ?? null, h.completedOn ?? asOf);
    if (typeof built === 'string') throw invalidField(`/body/items/${i}/catalogueItemId`, 'item_not_countable', built);
    return built;
  }

  private candidates(c: RecordContext, ids: Set<string>): { candidates: CandidateItem[]; byRef: Map<string, CatalogueItem> } {
    const byRef = new Map<string, CatalogueItem>();
    const candidates: CandidateItem[] = [];
    for (const id of ids) {
      const item = c.catalogue.get(id);
      if (!item || (c.mapping.candidates && !matches(c.mapping.candidates, catalogueFacts(c, item)))) continue;
      const candidate = candidateItem(c, item);
      if (!candidate || byRef.has(candidate.catalogueItemId)) continue;
      byRef.set(catalogueRef(c.slugs, item), item);
      candidates.push(candidate);
    }
    return { candidates, byRef };
  }
}

export type { ExcludedItem };
