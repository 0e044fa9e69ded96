import type { Executor } from '../db/database.js';

/** What a body source gets for each entry it must rebuild. */
export interface EntryRef {
  id: number;
  resourceId: string;
  eventType: string;
}

/**
 * Rebuilds the event bodies of a batch of entries of one resource type from the domain's own
 * rows, keyed by entry id. An entry missing from the result means its row is gone.
 */
export type BodyRebuilder = (db: Executor, entries: readonly EntryRef[]) => Promise<Map<number, unknown>>;

/** A table with a ledger entry id column; `key` names the columns that identify a row in reports. */
export interface LedgerReference {
  table: string;
  column: string;
  key: string[];
}

/**
 * A table whose rows name no entry id but must each have an entry about them (found by resource
 * type and id, e.g. every credentials row a `credential.issued` entry); `when` limits it to rows
 * with a column equal to a value (a revoked credential must have its `credential.revoked`).
 */
export interface ResourceReference {
  table: string;
  idColumn: string;
  key: string[];
  resourceType: string;
  eventType: string;
  when?: { column: string; equals: string };
}

/**
 * Each domain registers how to rebuild its event bodies, so the operator's database check can
 * recompute every entry's `bodyDigest` from the rows as they are NOW and name the rows that no
 * longer match what was logged.
 */
export class LedgerBodies {
  readonly #sources = new Map<string, BodyRebuilder>();
  readonly #references: LedgerReference[] = [];

  /**
   * A domain table whose rows name the ledger entry that logged them. The check reports rows whose
   * entry is gone: an entry deleted before integration leaves no gap in the tree, but it does leave
   * a row pointing at nothing.
   */
  registerReference(ref: LedgerReference): void {
    this.#references.push(ref);
  }

  references(): readonly LedgerReference[] {
    return this.#references;
  }

  readonly #resourceReferences: ResourceReference[] = [];

  /** Rows that are found to be logged by looking their entry up (no entry id column). */
  registerResourceReference(ref: ResourceReference): void {
    this.#resourceReferences.push(ref);
  }

  resourceReferences(): readonly ResourceReference[] {
    return this.#resourceReferences;
  }

  register(resourceType: string, rebuild: BodyRebuilder): void {
    if (this.#sources.has(resourceType)) throw new Error(`a body source for ${resourceType} is already registered`);
    this.#sources.set(resourceType, rebuild);
  }

  get(resourceType: string): BodyRebuilder | undefined {
    return this.#sources.get(resourceType);
  }

  types(): string[] {
    return [...this.#sources.keys()].sort();
  }
}
