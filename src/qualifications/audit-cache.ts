import { LRUCache } from 'lru-cache';
import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import type { Executor } from '../db/database.js';
import { catalogueItems } from '../records/catalogue-lookup.repository.js';
import type { CandidateItem } from './audit/programme.js';

/** Suggestion candidates of one programme version: engine items, the catalogue items behind them, their slugs. */
export interface CandidateSet {
  candidates: CandidateItem[];
  /** Catalogue reference "<slug>:<code>" → item, for the audit view. */
  byRef: Map<string, CatalogueItem>;
  items: Map<string, CatalogueItem>;
  slugs: Map<string, string>;
}

/**
 * What audits read again and again, kept per service instance. A catalogue item version never
 * changes once published (a change is a new version, a new id) except for retirement, which the
 * audit of a held item ignores, so items are cached without expiry. Candidate sets follow the
 * current catalogue, so they expire: a newly published or retired item shows in suggestions
 * within CANDIDATE_TTL_MS. Nothing about a learner is kept here: achievements, recognised credits
 * and requirement waivers are read on every audit, so a waiver granted or revoked counts (or stops
 * counting) in the very next audit.
 */
export const CANDIDATE_TTL_MS = 60_000;

export class AuditCache {
  readonly #items = new LRUCache<string, CatalogueItem>({ max: 50_000 });
  readonly #candidates = new LRUCache<string, CandidateSet>({ max: 200, ttl: CANDIDATE_TTL_MS });

  /** Catalogue items by id: cached ones from memory, the rest in one query. */
  async catalogue(db: Executor, ids: Iterable<string>): Promise<Map<string, CatalogueItem>> {
    const out = new Map<string, CatalogueItem>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.#items.get(id);
      if (hit) out.set(id, hit);
      else if (/^[0-9a-f-]{36}$/i.test(id)) missing.push(id);
    }
    for (const [id, item] of await catalogueItems(db, missing)) {
      this.#items.set(id, item);
      out.set(id, item);
    }
    return out;
  }

  /** The candidate set of a programme version (key includes its digest), built once per TTL. */
  async candidates(key: string, build: () => Promise<CandidateSet>): Promise<CandidateSet> {
    const hit = this.#candidates.get(key);
    if (hit) return hit;
    const set = await build();
    this.#candidates.set(key, set);
    return set;
  }
}
