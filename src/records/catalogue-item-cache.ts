import { LRUCache } from 'lru-cache';
import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import type { Executor } from '../db/database.js';
import { catalogueItems } from './catalogue-lookup.repository.js';

/**
 * Catalogue item versions are immutable once published (a change is a new version with a new id),
 * so a transcript can take them from memory by id. Retirement is the one field that changes; the
 * transcript does not show it, and paths that judge it (deposits, exports) read the table instead.
 */
export class CatalogueItemCache {
  private readonly items: LRUCache<string, CatalogueItem>;

  constructor(max = 50_000) {
    this.items = new LRUCache({ max });
  }

  /** The items with these ids: cached ones from memory, the rest in one query. */
  async get(db: Executor, ids: Iterable<string>): Promise<Map<string, CatalogueItem>> {
    const found = new Map<string, CatalogueItem>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const item = this.items.get(id);
      if (item) found.set(id, item); else missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const [id, item] of await catalogueItems(db, missing)) {
      this.items.set(id, item);
      found.set(id, item);
    }
    return found;
  }
}
