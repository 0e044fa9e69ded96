import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import type { Executor } from '../db/database.js';
import { catalogueItems, itemsWithCodes, microMajorsWithAnyComponent } from './catalogue-lookup.repository.js';
import { evaluateCompletion, type CompletionProgress } from './micro-major-progress.js';
import type { Achievement } from './records.types.js';

export interface MicroMajorProgress extends CompletionProgress {
  microMajor: { id: string; institutionId: string; code: string; version: number; title: { zh: string | null; en: string | null } };
  /** Why this version: the one in force when the learner started (their earliest component's completion). */
  versionBasis: { startedOn: string; reason: string };
}

/**
 * The micro-major version a learner is held to: the latest version whose effective dates contain
 * `startedOn`; when none does, the latest that took effect before it, else the earliest. Pure.
 */
export function versionInForce<T extends { version: number; effectiveFrom: string; effectiveTo: string | null }>(versions: T[], startedOn: string): { item: T; reason: string } {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const inForce = sorted.filter((v) => v.effectiveFrom <= startedOn && (v.effectiveTo === null || startedOn <= v.effectiveTo)).at(-1);
  if (inForce) return { item: inForce, reason: `version ${inForce.version} was in force on ${startedOn}, when the learner completed their first component` };
  const before = sorted.filter((v) => v.effectiveFrom <= startedOn).at(-1);
  if (before) return { item: before, reason: `no version was in force on ${startedOn}; version ${before.version} is the last that took effect before it` };
  const first = sorted[0]!;
  return { item: first, reason: `the learner's first component (${startedOn}) predates every version; version ${first.version} is the earliest` };
}

const codeKey = (i: { institutionId: string; code: string }) => `${i.institutionId}|${i.code}`;

/**
 * Progress on every micro-major the learner has started. A component is done when the learner
 * holds a passed, unrevoked achievement of any version of the same course (institution + code):
 * curriculum versions change, the course a learner took does not stop counting. The micro-major
 * version evaluated is the one in force when the learner started (see versionInForce), not the latest.
 */
export async function microMajorProgress(db: Executor, held: Achievement[], items: Map<string, CatalogueItem>): Promise<MicroMajorProgress[]> {
  const heldByCode = new Map<string, Achievement>();
  for (const a of held) {
    const item = items.get(a.current.catalogueItemId ?? '');
    if (item) heldByCode.set(codeKey(item), a);
  }
  const heldItems = [...items.values()].filter((i) => heldByCode.has(codeKey(i)));
  const versions = await itemsWithCodes(db, heldItems.map((i) => ({ institutionId: i.institutionId, code: i.code })));
  const candidates = await microMajorsWithAnyComponent(db, versions.map((v) => v.id));
  // Every version of each micro-major started, and the components (any version) each lists.
  const allVersions = await itemsWithCodes(db, [...new Map(candidates.map((m) => [codeKey(m), m])).values()]);
  const byCode = new Map<string, CatalogueItem[]>();
  for (const m of allVersions) if (m.kind === 'micro-major') byCode.set(codeKey(m), [...(byCode.get(codeKey(m)) ?? []), m]);
  const listed = await catalogueItems(db, allVersions.flatMap((m) => m.components ?? []));
  const chosen = new Map<string, { item: CatalogueItem; startedOn: string; reason: string }>();
  for (const [key, list] of byCode) {
    const componentCodes = new Set(list.flatMap((m) => (m.components ?? []).flatMap((id) => { const c = listed.get(id); return c ? [codeKey(c)] : []; })));
    const dates = [...componentCodes].flatMap((k) => { const a = heldByCode.get(k); return a ? [a.current.completedOn] : []; }).sort();
    if (dates.length === 0) continue;
    chosen.set(key, { ...versionInForce(list, dates[0]!), startedOn: dates[0]! });
  }
  const latest = new Map([...chosen].map(([k, v]) => [k, v.item]));
  const components = listed;
  return [...latest.values()].map((m) => {
    const states = (m.components ?? []).flatMap((id) => {
      const c = components.get(id);
      if (!c) return [];
      const a = heldByCode.get(codeKey(c));
      return [{ id, code: c.code, credits: c.credits, done: a !== undefined, earnedCredits: a?.current.credits ?? null, achievementId: a?.id ?? null }];
    });
    return {
      microMajor: { id: m.id, institutionId: m.institutionId, code: m.code, version: m.version, title: m.title },
      versionBasis: { startedOn: chosen.get(codeKey(m))!.startedOn, reason: chosen.get(codeKey(m))!.reason },
      ...evaluateCompletion(m.completionRule ?? { type: 'all' }, states),
    };
  });
}
