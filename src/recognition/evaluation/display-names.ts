import { LRUCache } from 'lru-cache';
import type { Executor } from '../../db/database.js';
import { isUuid } from '../../db/ids.js';
import { findEntries } from '../../credentials/trust-list/trusted-issuers.repository.js';
import { institutionNames } from '../../institutions/institutions.repository.js';
import type { EngineNames } from '../engine/index.js';

/** A bilingual name as the bank's texts write it: the Chinese, then the English (one alone when only one is given, or both are the same). */
export function bilingual(name: { zh?: string | null; en?: string | null }): string | undefined {
  const zh = name.zh?.trim() || undefined;
  const en = name.en?.trim() || undefined;
  return zh && en && zh !== en ? `${zh} ${en}` : zh ?? en;
}


/**
 * Names of the sources recognition speaks of, for explanations and notices: institutions, and the
 * trust-list entries of external issuers (an imported credential's source), cached per service
 * instance. No statement ever changes either name, so a cached name is never stale and only misses
 * reach the database (a statement or two for all of an evaluation's misses). Ids that are not
 * UUIDs (a preview's made-up source) are never looked up.
 */
export class SourceNames {
  private readonly lru = new LRUCache<string, string>({ max: 20_000 });

  async of(db: Executor, ids: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.lru.get(id);
      if (hit !== undefined) out.set(id, hit);
      else if (isUuid(id)) missing.push(id);
    }
    if (missing.length === 0) return out;
    const found = (r: { id: string; name_zh: string | null; name_en: string }) => {
      const name = bilingual({ zh: r.name_zh, en: r.name_en }) ?? r.id;
      this.lru.set(r.id, name);
      out.set(r.id, name);
    };
    for (const r of await institutionNames(db, missing)) found(r);
    const rest = missing.filter((id) => !out.has(id));
    for (const r of await findEntries(db, rest)) found(r);
    return out;
  }

  /** One institution's (or trusted issuer's) name, or its id when there is none. */
  async name(db: Executor, id: string): Promise<string> {
    return (await this.of(db, [id])).get(id) ?? id;
  }
}

/**
 * How an evaluation's explanations name things: institutions (and trusted issuers) by name, looked
 * up in `known` in order, and a catalogue item (the engine's `institution:code`) by its code,
 * followed by its institution's name unless it is the target's own. Anything not known keeps its id.
 */
export function engineNames(targetInstitutionId: string, ...known: ReadonlyMap<string, string>[]): EngineNames {
  const nameOf = (id: string): string | undefined => {
    for (const m of known) {
      const name = m.get(id);
      if (name !== undefined) return name;
    }
    return undefined;
  };
  return {
    institution: nameOf,
    item: (id) => {
      const at = id.indexOf(':');
      if (at < 0) return undefined;
      const inst = id.slice(0, at);
      const code = id.slice(at + 1);
      return inst === targetInstitutionId ? code : `${code} of ${nameOf(inst) ?? inst}`;
    },
  };
}
