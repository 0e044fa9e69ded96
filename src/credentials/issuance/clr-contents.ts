/**
 * What goes into a CLR built from the learning record (no I/O): which achievements, which of their
 * credentials are reused and which must be issued first, which micro-major credentials come along,
 * and the CLR 2.0 associations between them.
 */
import type { CatalogueItem } from '../../catalogue/catalogue.types.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import { conflict, invalidField } from '../../errors.js';
import type { MicroMajorProgress } from '../../records/micro-majors.js';
import type { Achievement } from '../../records/records.types.js';
import type { AssociationInput } from '../core/builders.js';
import type { JsonObject } from '../core/did-key.js';
import { notCredentialable, notCredentialableError, type Credentialable } from './achievement-issuer.js';
import type { CredentialRow } from './credentials.repository.js';

export const achievementKey = (achievementId: string) => `achievement:${achievementId}`;

export interface Selection {
  chosen: Credentialable[];
  /** True when a live achievement of the record stays out (not chosen, or not credentialable). */
  leftOut: boolean;
}

/**
 * The achievements a CLR covers: the chosen ones (each must be a live, credentialable achievement
 * of this learner, else a problem naming it), or every credentialable live one of the record.
 */
export function selectAchievements(record: Achievement[], items: Map<string, CatalogueItem>, chosenIds?: string[]): Selection {
  const itemOf = (a: Achievement) => (a.current.catalogueItemId ? items.get(a.current.catalogueItemId) : undefined);
  const live = record.filter((a) => a.status === 'active');
  if (chosenIds) {
    const byId = new Map(record.map((a) => [a.id, a]));
    const chosen = chosenIds.map((id, i): Credentialable => {
      const a = byId.get(id);
      if (!a) throw invalidField(`/body/achievementIds/${i}`, 'achievement_not_found', `no achievement ${id} in this learner's record`);
      const reason = notCredentialable(a, itemOf(a));
      if (reason) throw notCredentialableError(reason, `/body/achievementIds/${i}`);
      return { achievement: a, item: itemOf(a)! };
    });
    return { chosen, leftOut: live.length > chosen.length };
  }
  if (live.length === 0) throw invalidField('/params/id', 'no_live_achievements', 'the learner\'s record holds no live (unrevoked) achievement to put in a CLR');
  const chosen = live.filter((a) => notCredentialable(a, itemOf(a)) === undefined).map((a) => ({ achievement: a, item: itemOf(a)! }));
  if (chosen.length === 0) {
    throw invalidField('/params/id', 'no_credentialable_achievements', 'none of the learner\'s live achievements is of a catalogue item (learning outside the catalogue has no achievement credential to bundle)');
  }
  return { chosen, leftOut: chosen.length < live.length };
}

export interface CredentialPlan {
  /** Achievement id → the active Data Integrity credential that is reused. */
  reuse: Map<string, CredentialRow>;
  /** Achievements with no credential yet in a form a CLR can embed: issue one. */
  issue: Credentialable[];
  /** Achievements whose credential was revoked or suspended by its issuer: never re-issued behind its back. */
  blocked: Credentialable[];
}

/**
 * For each chosen achievement: an active embeddable (Data Integrity) credential is reused, the one
 * in `format` first; without one, a revoked or suspended credential of the achievement (in any
 * format) blocks it, since its issuer withdrew it; otherwise one is to be issued in `format`.
 */
export function planCredentials(chosen: Credentialable[], rows: CredentialRow[], format: CredentialFormat): CredentialPlan {
  const plan: CredentialPlan = { reuse: new Map(), issue: [], blocked: [] };
  for (const c of chosen) {
    const mine = rows.filter((r) => r.issuance_key === achievementKey(c.achievement.id));
    const usable = mine.filter((r) => r.status === 'active' && r.document !== null);
    const pick = usable.find((r) => r.format === format) ?? usable[0];
    if (pick) plan.reuse.set(c.achievement.id, pick);
    else if (mine.some((r) => r.status !== 'active')) plan.blocked.push(c);
    else plan.issue.push(c);
  }
  return plan;
}

/** The problem when chosen achievements have only revoked or suspended credentials. */
export function blockedError(blocked: Credentialable[]) {
  const ids = blocked.map((c) => c.achievement.id);
  return conflict('achievement_credential_not_active', `The credential of achievement ${ids.join(', ')} was revoked or suspended by its issuer; leave it out of the CLR or ask the issuer`, { achievementIds: ids });
}

/**
 * Active micro-major credentials every counted component of which is bundled (one per micro-major,
 * the one in `format` first): a chosen part carries a micro-major only with what it rests on.
 */
export function microMajorCredentials(rows: CredentialRow[], bundled: Set<string>, format: CredentialFormat): CredentialRow[] {
  const byKey = new Map<string, CredentialRow>();
  for (const r of rows) {
    if (r.kind !== 'micro-major' || r.status !== 'active' || r.document === null) continue;
    if (r.source_ids.length === 0 || !r.source_ids.every((id) => bundled.has(id))) continue;
    const seen = byKey.get(r.issuance_key);
    if (!seen || (seen.format !== format && r.format === format)) byKey.set(r.issuance_key, r);
  }
  return [...byKey.values()];
}

export const achievementIdOf = (doc: JsonObject): string | undefined => {
  const s = doc.credentialSubject as JsonObject | undefined;
  const id = (s?.achievement as JsonObject | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
};

/** A micro-major and the record achievements that count toward it. */
export interface PartOf { targetId: string; componentIds: string[] }

/** The credentialed micro-majors as PartOf links: their Achievement and the achievements they rest on. */
export function credentialedPartOf(microMajors: CredentialRow[]): PartOf[] {
  return microMajors.flatMap((mm) => {
    const targetId = achievementIdOf(mm.document as JsonObject);
    return targetId ? [{ targetId, componentIds: mm.source_ids }] : [];
  });
}

/**
 * Micro-majors the bundle shows progress toward without carrying their credential (not complete,
 * or complete but not credentialed by the institution): their catalogue item and the bundled
 * components that count, so the CLR can list the micro-major's Achievement and link to it.
 */
export function uncredentialedMicroMajors(progress: MicroMajorProgress[], bundled: Set<string>, credentialedKeys: Set<string>) {
  return progress
    .filter((m) => !credentialedKeys.has(microMajorKey(m.microMajor.institutionId, m.microMajor.code)))
    .map((m) => ({ itemId: m.microMajor.id, institutionId: m.microMajor.institutionId,
      componentIds: m.done.flatMap((c) => (c.achievementId && bundled.has(c.achievementId) ? [c.achievementId] : [])) }))
    .filter((m) => m.componentIds.length > 0);
}

export const microMajorKey = (institutionId: string, code: string) => `micro-major:${institutionId}:${code}`;

/**
 * CLR 2.0 associations: each bundled component's Achievement `isPartOf` the micro-major's
 * Achievement (sourceId and targetId are Achievement ids, as CLR 2.0 defines them).
 */
export function partOfAssociations(components: Map<string, CredentialRow>, links: PartOf[]): AssociationInput[] {
  const out = new Map<string, AssociationInput>();
  for (const { targetId, componentIds } of links) {
    for (const src of componentIds) {
      const row = components.get(src);
      const sourceId = row ? achievementIdOf(row.document as JsonObject) : undefined;
      if (sourceId && sourceId !== targetId) out.set(`${sourceId} ${targetId}`, { associationType: 'isPartOf', sourceId, targetId });
    }
  }
  return [...out.values()];
}
