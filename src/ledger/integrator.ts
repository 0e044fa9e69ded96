import type { Db, Executor } from '../db/database.js';
import type { LedgerConfig } from '../config/config.js';
import type { ActiveKey } from '../keys/key-store.js';
import { MerkleFrontier, planRoot, toBase64, type SignedTreeHead, type StoredNode } from './merkle/index.js';
import * as repo from './ledger.repository.js';
import { leafHashFor } from './public-entry.js';
import { headRowOf, signedHeadOf, type TreeHeadKeys } from './tree-head-keys.js';

/** 'always': sign a head whenever the tree grew (explicit runs); 'when-due': only every N entries or T seconds. */
export type HeadPolicy = 'always' | 'when-due';

export interface IntegrationResult {
  /** Another process held the integrator lock; nothing was done. */
  busy: boolean;
  integrated: number;
  treeSize: number;
  headsSigned: number;
  latestHead: SignedTreeHead | undefined;
}

interface BatchOutcome { integrated: number; treeSize: number; signed: SignedTreeHead | undefined; more: boolean }

/**
 * The single tree writer. Entries are appended by many transactions (id from a sequence) and get
 * their leaf index here, in the order this integrator SEES them committed: an entry whose id is
 * lower than an already-integrated one (its transaction committed later) simply gets a later leaf
 * index. Leaf indexes are therefore contiguous and never reassigned, and ids need not be.
 *
 * Each batch is one transaction that first takes `pg_try_advisory_xact_lock`, so at most one
 * integrator writes at a time across all processes; a loser returns at once (`busy`).
 */
export class LedgerIntegrator {
  /** Called after a run that signed a new tree head (in this process), e.g. to drop a cached head. */
  readonly headSignedListeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly keys: TreeHeadKeys,
    private readonly config: LedgerConfig,
    private readonly now: () => Date,
  ) {}

  async integrate(opts: { heads?: HeadPolicy } = {}): Promise<IntegrationResult> {
    const policy = opts.heads ?? 'always';
    const key = await this.keys.signingKey();
    const result: IntegrationResult = { busy: false, integrated: 0, treeSize: 0, headsSigned: 0, latestHead: undefined };
    for (;;) {
      const outcome = await this.db.transaction().execute((trx) => this.batch(trx, key, policy));
      if (outcome === 'busy') return { ...result, busy: true };
      result.integrated += outcome.integrated;
      result.treeSize = outcome.treeSize;
      if (outcome.signed) {
        result.headsSigned += 1;
        result.latestHead = outcome.signed;
        for (const listener of this.headSignedListeners) listener();
      }
      if (!outcome.more) return result;
    }
  }

  private async batch(trx: Executor, key: ActiveKey, policy: HeadPolicy): Promise<BatchOutcome | 'busy'> {
    if (!(await repo.tryIntegratorLock(trx))) return 'busy';
    const size = await repo.integratedSize(trx);
    const frontier = MerkleFrontier.fromNodes(size, await repo.fetchNodes(trx, planRoot(size)));
    const pending = await repo.pendingEntries(trx, this.config.batchSize);
    const leaves: { id: number; leafIndex: number; leafHash: Uint8Array }[] = [];
    const nodes: StoredNode[] = [];
    for (const row of pending) {
      const leafIndex = frontier.size;
      const leafHash = leafHashFor(row, leafIndex);
      nodes.push(...frontier.append(leafHash));
      leaves.push({ id: row.id, leafIndex, leafHash });
    }
    await repo.assignLeaves(trx, leaves);
    await repo.insertNodes(trx, nodes);
    const more = pending.length === this.config.batchSize;
    const signed = await this.maybeSign(trx, frontier, key, policy === 'always' && !more);
    return { integrated: pending.length, treeSize: frontier.size, signed, more };
  }

  /** Signs a head of the current size when it is due (or forced), inside the batch's transaction. */
  private async maybeSign(trx: Executor, frontier: MerkleFrontier, key: ActiveKey, force: boolean): Promise<SignedTreeHead | undefined> {
    const lastRow = await repo.latestHead(trx);
    const last = lastRow && signedHeadOf(lastRow);
    const now = this.now().getTime();
    if (last && frontier.size <= last.treeSize) return undefined;
    const due = !last || force
      || frontier.size - last.treeSize >= this.config.headEveryEntries
      || now - last.timestamp >= this.config.headEverySeconds * 1000;
    if (!due) return undefined;
    // Timestamps never go backwards, even if the clock does.
    const timestamp = Math.max(now, last?.timestamp ?? 0);
    const head = await this.keys.sign({ treeSize: frontier.size, rootHash: toBase64(frontier.root()), timestamp }, key);
    await repo.insertHead(trx, headRowOf(head));
    return head;
  }
}
