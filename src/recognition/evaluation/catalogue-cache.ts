import { LRUCache } from 'lru-cache';
import type { CatalogueItem } from '../../catalogue/catalogue.types.js';
import type { Executor } from '../../db/database.js';
import { catalogueItems } from '../../records/catalogue-lookup.repository.js';

export type CatalogueLookup = (db: Executor, ids: string[]) => Promise<Map<string, CatalogueItem>>;

/**
 * Catalogue item versions by id, cached per service instance. A version's content never changes
 * (publishing makes a new row; only `retired_at` and the latest-version marker are updated, and the
 * engine reads neither), so a cached row can never be stale; only misses reach the database.
 */
export class CatalogueCache {
  private readonly lru = new LRUCache<string, CatalogueItem>({ max: 50_000 });

  readonly lookup: CatalogueLookup = async (db, ids) => {
    const out = new Map<string, CatalogueItem>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.lru.get(id);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    for (const [id, item] of await catalogueItems(db, missing)) {
      this.lru.set(id, item);
      out.set(id, item);
    }
    return out;
  };
}
