import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import type { Executor } from '../db/database.js';
import { catalogueItems, itemsWithCodes, microMajorsWithAnyComponent } from './catalogue-lookup.repository.js';
import { evaluateCompletion, type CompletionProgress } from './micro-major-progress.js';
import type { Achievement } from './records.types.js';

export interface MicroMajorProgress extends CompletionProgress {
  microMajor: { id: string; institutionId: string; code: string; version: number; title: { zh: string | null; en: string | null } };
}

const codeKey = (i: { institutionId: string; code: string }) => `${i.institutionId}|${i.code}`;

/**
 * Progress on every micro-major the learner has started. A component is done when the learner
 * holds a passed, unrevoked achievement of any version of the same course (institution + code):
 * curriculum versions change, the course a learner took does not stop counting.
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
  // One entry per micro-major: its latest version among those the learner has started.
  const latest = new Map<string, CatalogueItem>();
  for (const m of candidates) if ((latest.get(codeKey(m))?.version ?? 0) < m.version) latest.set(codeKey(m), m);
  const components = await catalogueItems(db, [...latest.values()].flatMap((m) => m.components ?? []));
  return [...latest.values()].map((m) => {
    const states = (m.components ?? []).flatMap((id) => {
      const c = components.get(id);
      if (!c) return [];
      const a = heldByCode.get(codeKey(c));
      return [{ id, code: c.code, credits: c.credits, done: a !== undefined, earnedCredits: a?.current.credits ?? null, achievementId: a?.id ?? null }];
    });
    return {
      microMajor: { id: m.id, institutionId: m.institutionId, code: m.code, version: m.version, title: m.title },
      ...evaluateCompletion(m.completionRule ?? { type: 'all' }, states),
    };
  });
}
