import { randomUUID } from 'node:crypto';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import { actorOf, type Actor } from '../../auth/principal.js';
import type { Db } from '../../db/database.js';
import { conflict, forbidden, invalidField, notFound } from '../../errors.js';
import type { FrameworkService } from '../../frameworks/frameworks.service.js';
import { findInstitution } from '../../institutions/institutions.repository.js';
import { itemsWithCodes } from '../../records/catalogue-lookup.repository.js';
import { todayOf, type AgreementService } from '../agreements/agreements.service.js';
import type { CatalogueItem } from '../../catalogue/catalogue.types.js';
import { levelDefaults, programmeLevel, unknownLevel, withLevels } from './level-default.js';
import { DEFINITION_VALIDATORS, type RuleDefinition, type RuleItemDef, type RuleKind } from './rule-definition.js';
import { readBackInstitution, type RuleVersion, fraction } from './rule-mapping.js';
import * as repo from './rules.repository.js';

export interface VersionInput {
  programmeId?: string; effectiveFrom: string; effectiveTo?: string; rationale: string; evidence: string[]; definition: unknown;
}
export interface RuleInput extends VersionInput { type: RuleKind; targetInstitutionId?: string; agreementId?: string }

export function toRuleVersion(r: repo.RuleRow): RuleVersion {
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    id: r.id, version: r.version, owner: { kind: r.owner_kind, id: r.owner_id }, targetInstitutionId: r.target_institution_id,
    programmeId: r.programme_id, kind: r.kind, definition: json(r.definition), effectiveFrom: r.effective_from, effectiveTo: r.effective_to,
    rationale: r.rationale, evidence: json(r.evidence) as string[], supersedes: r.supersedes, publishedBy: r.published_by,
    publishedAt: r.published_at.toISOString(),
  };
}

function firstError(kind: RuleKind, definition: unknown): { pointer: string; message: string } | undefined {
  const v = DEFINITION_VALIDATORS[kind];
  if (v.Check(definition)) return undefined;
  const e = [...v.Errors(definition)][0] as { instancePath: string; message: string; keyword: string; params: Record<string, unknown> } | undefined;
  if (!e) return { pointer: '/body/definition', message: 'invalid definition' };
  const extra = e.keyword === 'additionalProperties' ? `/${(e.params.additionalProperties as string[] | undefined)?.[0] ?? ''}` : '';
  const missing = e.keyword === 'required' ? `/${(e.params.requiredProperties as string[] | undefined)?.[0] ?? ''}` : '';
  const hint = e.keyword === 'pattern' ? PATTERN_HINTS.find(([end]) => e.instancePath.endsWith(end))?.[1] : undefined;
  return { pointer: `/body/definition${e.instancePath}${extra}${missing}`, message: e.keyword === 'additionalProperties' ? 'unknown field' : hint ?? e.message };
}

/** What a pattern means, in words, for the fields whose pattern alone would not tell a reader. */
const PATTERN_HINTS: [string, string][] = [
  ['/step', 'must be a number of credits above 0 (up to 6 digits and 4 decimals), e.g. 1 or 0.5'],
  ['/fraction', 'must be a share of the programme: a decimal from 0 to 1, or n/m with m above 0, e.g. 1/3'],
];

/** Publishes rule versions (never edits one) and reads them; tells the evaluator when a target changed. */
export class RuleService {
  private readonly listeners: ((targetInstitutionId: string) => void)[] = [];

  constructor(private readonly db: Db, private readonly agreements: AgreementService,
    private readonly frameworks: FrameworkService, private readonly now: () => Date) {}

  /** Called with each institution whose applicable rules changed: the target, and the read-back side. */
  onPublished(listener: (institutionId: string) => void): void {
    this.listeners.push(listener);
  }

  async publish(input: RuleInput, actor: Actor): Promise<RuleVersion> {
    const p = actor.principal;
    const target = input.targetInstitutionId ?? (p.kind === 'institution' ? p.institutionId : undefined);
    if (!target) throw invalidField('/body/targetInstitutionId', 'target_required', 'The operator names the target institution');
    if (!(await findInstitution(this.db, target))) throw invalidField('/body/targetInstitutionId', 'unknown_institution', `No institution ${target}`);
    await this.authorizeOwner(actor, target, input.agreementId);
    const definition = await this.check(input.type, input);
    const owner = input.agreementId ? { kind: 'agreement' as const, id: input.agreementId } : { kind: 'institution' as const, id: target };
    return this.insert(randomUUID(), 1, null, { ...input, definition, owner, target }, actor);
  }

  async publishVersion(id: string, input: VersionInput, actor: Actor): Promise<RuleVersion> {
    const latest = (await this.versions(id)).at(-1)!;
    await this.authorizeOwner(actor, latest.targetInstitutionId, latest.owner.kind === 'agreement' ? latest.owner.id : undefined);
    const definition = await this.check(latest.kind, input);
    return this.insert(id, latest.version + 1, latest.version, { ...input, definition, type: latest.kind, owner: latest.owner, target: latest.targetInstitutionId }, actor);
  }

  async versions(id: string): Promise<RuleVersion[]> {
    const rows = await repo.versionsOf(this.db, id);
    if (rows.length === 0) throw notFound('rule', id);
    return rows.map(toRuleVersion);
  }

  async list(f: repo.RuleFilter) {
    const rows = await repo.listLatest(this.db, f);
    const shown = rows.slice(0, f.limit).map(toRuleVersion);
    return { items: shown, next: rows.length > f.limit ? shown[shown.length - 1]!.id : null };
  }

  /** An institution publishes for itself, or for an agreement it and the target are party to. */
  private async authorizeOwner(actor: Actor, target: string, agreementId: string | undefined): Promise<void> {
    const p = actor.principal;
    const today = todayOf(this.now());
    if (agreementId !== undefined) {
      const a = await this.agreements.get(agreementId).catch(() => { throw invalidField('/body/agreementId', 'unknown_agreement', `No agreement ${agreementId}`); });
      if (!a.parties.some((x) => x.institutionId === target)) throw invalidField('/body/targetInstitutionId', 'target_not_party', 'The target institution is not a party to the agreement');
      if (a.end !== null && a.end.on <= today) throw conflict('agreement_ended', `Agreement ${agreementId} ended on ${a.end.on}`);
      if (p.kind === 'institution' && !(await this.agreements.isParty(agreementId, p.institutionId, today))) {
        throw forbidden('not_a_party', 'Only a current party publishes rules for an agreement');
      }
      return;
    }
    if (p.kind === 'institution' && p.institutionId !== target) {
      throw forbidden('other_institution', 'An institution publishes rules only for itself as the target, or for an agreement it is party to');
    }
  }

  /** Checks a definition and returns it as stored: with the level constraint derived when not stated. */
  private async check(kind: RuleKind, input: VersionInput): Promise<Record<string, unknown>> {
    const err = firstError(kind, input.definition);
    if (err) throw invalidField(err.pointer, 'invalid_rule_definition', `${err.pointer}: ${err.message}`);
    if (input.effectiveTo !== undefined && input.effectiveTo < input.effectiveFrom) throw invalidField('/body/effectiveTo', 'invalid_dates', 'effectiveTo is before effectiveFrom');
    const def = input.definition as Record<string, unknown>;
    const share = (def.programme as { fraction?: string } | undefined)?.fraction;
    if (kind === 'caps' && share !== undefined) {
      const { numerator, denominator } = fraction(share);
      if (numerator.gt(denominator)) throw invalidField('/body/definition/programme/fraction', 'invalid_rule_definition', `/body/definition/programme/fraction: ${share} is more than the whole programme (at most 1)`);
    }
    const snap = await this.frameworks.snapshot();
    const cond = def.conditions as { minResult?: { schemeId: string } } | undefined;
    if (cond?.minResult && !snap.gradingSchemes.some((s) => s.id === cond.minResult!.schemeId)) {
      throw invalidField('/body/definition/conditions/minResult/schemeId', 'unknown_grading_scheme', `No grading scheme ${cond.minResult.schemeId}`);
    }
    const system = def.creditSystemId as string | undefined;
    if (system !== undefined && !snap.creditSystems.some((s) => s.id === system)) {
      throw invalidField('/body/definition/creditSystemId', 'unknown_credit_system', `No credit system ${system}`);
    }
    const unknown = unknownLevel(def, snap.frameworks);
    if (unknown) {
      const l = unknown.level;
      throw invalidField(unknown.pointer, 'unknown_framework_level', `No level ${l.level} in framework ${l.frameworkId}${l.version ? ` ${l.version}` : ''}`);
    }
    const items = await this.checkItems(def);
    const named = input.programmeId === undefined ? undefined : await repo.programmeFrameworkLevel(this.db, input.programmeId);
    const levels = levelDefaults(kind, def, items, programmeLevel(named, snap.frameworks));
    if (levels.ambiguous) {
      throw invalidField(`/body/definition/conditions/${levels.ambiguous.field}`, 'target_level_ambiguous',
        `The items name levels in different frameworks (${levels.ambiguous.frameworks.join(', ')}); state conditions.${levels.ambiguous.field}, or allowLowerLevel: true`);
    }
    return withLevels(def, levels);
  }

  // Named catalogue items must exist, so a typo is caught at publication rather than never matching.
  private async checkItems(def: Record<string, unknown>): Promise<CatalogueItem[]> {
    const named: [string, RuleItemDef][] = [];
    for (const side of ['sources', 'targets'] as const) {
      (def[side] as RuleItemDef[] | undefined)?.forEach((it, i) => named.push([`/body/definition/${side}/${i}`, it]));
    }
    if (def.targetItem) named.push(['/body/definition/targetItem', def.targetItem as RuleItemDef]);
    const found = await itemsWithCodes(this.db, named.map(([, it]) => ({ institutionId: it.institutionId, code: it.code })));
    for (const [pointer, it] of named) {
      if (!found.some((f) => f.institutionId === it.institutionId && f.code === it.code && (it.version === undefined || f.version === it.version))) {
        throw invalidField(`${pointer}/code`, 'unknown_catalogue_item', `No catalogue item ${it.code}${it.version ? ` v${it.version}` : ''} at ${it.institutionId}`);
      }
    }
    return found;
  }

  private async insert(id: string, version: number, supersedes: number | null,
    r: VersionInput & { type: RuleKind; owner: RuleVersion['owner']; target: string }, actor: Actor): Promise<RuleVersion> {
    const at = this.now();
    const readBack = readBackInstitution(r.type, r.definition, r.owner.kind);
    const row = await this.db.transaction().execute(async (trx) => {
      const inserted = await repo.insertRule(trx, {
        read_back_institution_id: readBack,
        id, version, owner_kind: r.owner.kind, owner_id: r.owner.id, target_institution_id: r.target, programme_id: r.programmeId ?? null,
        kind: r.type, definition: JSON.stringify(r.definition as RuleDefinition), effective_from: r.effectiveFrom, effective_to: r.effectiveTo ?? null,
        rationale: r.rationale, evidence: JSON.stringify(r.evidence), supersedes, published_by: actorOf(actor.principal), published_at: at,
      }).catch((err: unknown) => {
        if ((err as { code?: string }).code === '23505') throw conflict('version_conflict', `Version ${version} of rule ${id} was just published; retry on the latest`);
        throw err;
      });
      await recordWrite(trx, actor, { action: version === 1 ? 'rule.publish' : 'rule.version', resourceType: 'recognition_rule', resourceId: `${id}:${version}`, institutionId: r.target }, at);
      return inserted;
    });
    for (const l of this.listeners) {
      l(r.target);
      if (readBack !== null && readBack !== r.target) l(readBack);
    }
    return toRuleVersion(row);
  }
}
