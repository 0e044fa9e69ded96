import { LRUCache } from 'lru-cache';
import type { Actor } from '../auth/principal.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { LedgerConfig } from '../config/config.js';
import type { Db } from '../db/database.js';
import { AppError, invalidField, notFound } from '../errors.js';
import { encodeCursor, decodeCursor, type Page } from '../db/pagination.js';
import type { LedgerBodies } from './body-registry.js';
import { checkDatabase, type CheckOptions, type DatabaseCheckReport } from './database-check.js';
import { LedgerIntegrator, type HeadPolicy, type IntegrationResult } from './integrator.js';
import * as repo from './ledger.repository.js';
import {
  buildConsistencyProof, buildInclusionProof, consistencyProofToJson, inclusionProofToJson, planConsistency,
  planInclusion, type ConsistencyProofJson, type InclusionProofJson, type SignedTreeHead,
} from './merkle/index.js';
import { servedEntryOf, type ServedEntry } from './public-entry.js';
import { signedHeadOf, type LedgerJwk, type TreeHeadKeys } from './tree-head-keys.js';

/** At most this many entries per `GET /ledger/entries` call. */
export const MAX_ENTRY_RANGE = 1000;

export type EntryLocator = { index: number } | { entryId: number } | { resourceType: string; resourceId: string };

export interface InclusionAnswer {
  entry: ServedEntry;
  proof: InclusionProofJson;
  /** A signed head of exactly `proof.treeSize`, when the bank signed one (the default size always has one). */
  treeHead: SignedTreeHead | null;
}

/** A reference other domains store or print: the entry, and its leaf index once integrated. */
export interface EntryReference { entryId: number; leafIndex: number | null }

/** Reads of the tamper-evident log, proofs from stored nodes, the integrator and the database check. */
export class LedgerService {
  readonly integrator: LedgerIntegrator;
  // Immutable data only: integrated entries by id, inclusion answers by (entry, tree size).
  readonly #entries = new LRUCache<number, repo.EntryRow>({ max: 10_000 });
  readonly #proofs = new LRUCache<string, Promise<InclusionAnswer>>({ max: 10_000 });
  // The latest signed head for inclusion answers, kept HEAD_TTL_MS: an answer against a head a
  // moment old is as valid, and at worst an entry integrated meanwhile shows as pending a moment
  // longer. Dropped at once when this process's integrator signs a head.
  #head: { at: number; row: Promise<repo.HeadRow | undefined> } | undefined;
  static readonly HEAD_TTL_MS = 1_000;

  constructor(private readonly db: Db, private readonly keys: TreeHeadKeys, readonly bodies: LedgerBodies,
    config: LedgerConfig, private readonly now: () => Date) {
    this.integrator = new LedgerIntegrator(db, keys, config, now);
    this.integrator.headSignedListeners.add(() => { this.#head = undefined; });
  }

  /** Integrate committed entries now (tests and the CLI call this; the server runs it on a timer). */
  integrate(opts: { heads?: HeadPolicy } = {}): Promise<IntegrationResult> {
    return this.integrator.integrate(opts);
  }

  async latestTreeHead(): Promise<SignedTreeHead> {
    const row = await repo.latestHead(this.db);
    if (!row) throw notFound('tree_head');
    return signedHeadOf(row);
  }

  async treeHeads(cursor: string | undefined, limit: number): Promise<Page<SignedTreeHead>> {
    const after = decodeCursor(cursor, 2) as [number, number] | undefined;
    const rows = await repo.listHeads(this.db, after, limit + 1);
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return { items: shown.map(signedHeadOf), nextCursor: more && last ? encodeCursor([last.tree_size, last.id]) : null };
  }

  /** Integrated entries with leaf index in [start, end), end clipped to the tree size. */
  async entries(start: number, end: number): Promise<{ treeSize: number; entries: ServedEntry[] }> {
    if (end <= start) throw invalidField('/query/end', 'invalid_range', 'end must be greater than start');
    if (end - start > MAX_ENTRY_RANGE) throw invalidField('/query/end', 'range_too_large', `at most ${MAX_ENTRY_RANGE} entries per call`);
    const treeSize = await repo.integratedSize(this.db);
    const rows = await repo.entriesByIndex(this.db, start, Math.min(end, treeSize));
    return { treeSize, entries: rows.map(servedEntryOf) };
  }

  async entryFor(resourceType: string, resourceId: string): Promise<EntryReference | undefined> {
    const row = await repo.firstEntryForResource(this.db, resourceType, resourceId);
    return row && { entryId: row.id, leafIndex: row.leaf_index };
  }

  /** The first entry of each of several resources (e.g. their credential.issued), by resource id. */
  async entriesFor(resourceType: string, resourceIds: readonly string[]): Promise<Map<string, EntryReference>> {
    const rows = await repo.firstEntriesForResources(this.db, resourceType, resourceIds);
    return new Map(rows.map((r) => [r.resource_id, { entryId: Number(r.id), leafIndex: r.leaf_index === null ? null : Number(r.leaf_index) }]));
  }

  /**
   * Inclusion proof of an entry in the latest signed head; undefined while the entry awaits
   * integration or signing. Only the latest head is read each time: an integrated entry, and its
   * proof for a given tree size, never change (the log is append-only), so they are kept.
   */
  async inclusionFor(entryId: number): Promise<InclusionAnswer | undefined> {
    const [row, head] = await Promise.all([this.integratedEntry(entryId), this.recentHead()]);
    if (!row || row.leaf_index === null || !head || row.leaf_index >= head.tree_size) return undefined;
    const key = `${entryId}@${head.tree_size}`;
    const hit = this.#proofs.get(key);
    if (hit) return hit;
    const answer = this.inclusion({ entryId }, head.tree_size);
    this.#proofs.set(key, answer);
    answer.catch(() => this.#proofs.delete(key));
    return answer;
  }

  private recentHead(): Promise<repo.HeadRow | undefined> {
    if (this.#head && Date.now() - this.#head.at < LedgerService.HEAD_TTL_MS) return this.#head.row;
    const head = { at: Date.now(), row: repo.latestHead(this.db) };
    this.#head = head;
    head.row.catch(() => { if (this.#head === head) this.#head = undefined; });
    return head.row;
  }

  private async integratedEntry(entryId: number): Promise<repo.EntryRow | undefined> {
    const hit = this.#entries.get(entryId);
    if (hit) return hit;
    const row = await repo.entryById(this.db, entryId);
    if (row && row.leaf_index !== null) this.#entries.set(entryId, row);
    return row;
  }

  /** Inclusion proof of one entry; the tree size defaults to the latest signed head's. */
  async inclusion(locator: EntryLocator, treeSize?: number): Promise<InclusionAnswer> {
    const row = await this.locate(locator);
    if (row.leaf_index === null) throw new AppError(409, 'entry_not_integrated', `Entry ${row.id} is not in the tree yet; retry shortly`);
    const size = treeSize ?? (await repo.latestHead(this.db))?.tree_size ?? 0;
    if (row.leaf_index >= size) {
      if (treeSize === undefined) throw new AppError(409, 'entry_not_signed', `Entry ${row.id} is not covered by a signed tree head yet; retry shortly`);
      throw invalidField('/query/treeSize', 'tree_size_too_small', `treeSize must exceed the entry's leaf index ${row.leaf_index}`);
    }
    await this.assertIntegrated(size, '/query/treeSize');
    const nodes = await repo.fetchNodes(this.db, planInclusion(row.leaf_index, size));
    const proof = inclusionProofToJson(row.leaf_index, size, buildInclusionProof(row.leaf_index, size, nodes));
    const head = (await repo.headsOfSize(this.db, size))[0];
    return { entry: servedEntryOf(row), proof, treeHead: head ? signedHeadOf(head) : null };
  }

  async consistency(first: number, second: number): Promise<ConsistencyProofJson> {
    if (first > second) throw invalidField('/query/first', 'invalid_range', 'first must not exceed second');
    await this.assertIntegrated(second, '/query/second');
    const nodes = await repo.fetchNodes(this.db, planConsistency(first, second));
    return consistencyProofToJson(first, second, buildConsistencyProof(first, second, nodes));
  }

  /** Rotates the tree-head signing key: key.rotated in the ledger and an audit line, in one transaction. */
  async rotateHeadKey(actor: Actor): Promise<{ keyId: string; status: string; createdAt: string; retired: string[] }> {
    const before = (await this.keys.jwks()).keys.filter((k) => k.status === 'active').map((k) => k.kid);
    const key = await this.db.transaction().execute(async (trx) => {
      const k = await this.keys.rotate(trx, actor);
      await recordWrite(trx, actor, { action: 'ledger.key.rotate', resourceType: 'key', resourceId: k.id }, this.now());
      return k;
    });
    return { keyId: key.id, status: key.status, createdAt: key.createdAt.toISOString(), retired: before };
  }

  jwks(): Promise<{ keys: LedgerJwk[] }> {
    return this.keys.jwks();
  }

  checkDatabase(opts: CheckOptions = {}): Promise<DatabaseCheckReport> {
    return checkDatabase(this.db, this.bodies, opts);
  }

  private async locate(locator: EntryLocator): Promise<repo.EntryRow> {
    const row = 'index' in locator ? await repo.entryByLeafIndex(this.db, locator.index)
      : 'entryId' in locator ? await repo.entryById(this.db, locator.entryId)
        : await repo.firstEntryForResource(this.db, locator.resourceType, locator.resourceId);
    if (!row) throw notFound('ledger_entry');
    return row;
  }

  private async assertIntegrated(size: number, pointer: string): Promise<void> {
    const treeSize = await repo.integratedSize(this.db);
    if (size > treeSize) throw invalidField(pointer, 'tree_size_too_large', `the tree has ${treeSize} entries`);
  }
}
