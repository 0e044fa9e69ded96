import { randomUUID } from 'node:crypto';
import type { Db, Executor } from '../../db/database.js';
import { notFound } from '../../errors.js';
import type { JsonObject } from '../core/did-key.js';
import { buildStatusEntry, buildStatusListCredential, MIN_STATUS_LIST_BITS } from '../core/status-list.js';
import type { Issuer, IssuerDirectory } from '../issuers/issuer-directory.js';
import type { CredentialSigner } from '../workers/signing-pool.js';
import * as repo from './status-lists.repository.js';

// An odd multiplier permutes 0..2^k-1: indexes look random (spec §6.1 privacy) yet never collide.
const SCATTER = 92_821;

export interface StatusSlot { listId: string; index: number; purpose: repo.StatusPurpose; entry: JsonObject }

/** Claimed sequence numbers [next, end) of a list not handed out yet. */
interface ReservedRange { listId: string; capacity: number; next: number; end: number }

/** Bitstring Status Lists of every issuer: allocation, bit changes, and the signed list credentials. */
export class StatusListService {
  /** Sequence numbers claimed in one block for single issues (see allocateMany). */
  static readonly RESERVE_BLOCK = 64;
  /** Claimed and not yet handed out, per issuer and purpose, in claim order. */
  readonly #reserved = new Map<string, ReservedRange[]>();

  constructor(
    private readonly db: Db,
    private readonly directory: IssuerDirectory,
    private readonly signer: CredentialSigner,
    private readonly publicUrl: string,
    private readonly now: () => Date,
  ) {}

  listUrl(listId: string): string {
    return `${this.publicUrl}/status-lists/${listId}`;
  }

  /** Reserves one index in an open list of the issuer (a new list is opened when all are full). */
  async allocate(issuer: Issuer, purpose: repo.StatusPurpose): Promise<StatusSlot> {
    return (await this.allocateMany(issuer, purpose, 1))[0]!;
  }

  /**
   * Reserves `n` indexes. They come from sequence numbers this process claimed earlier and has not
   * handed out, then from new claims: one statement per list touched (a new list is opened when all
   * are full). A claim for fewer than RESERVE_BLOCK takes a whole block and keeps the rest here, so
   * single issues claim once per block instead of once each: the claim updates one row per issuer
   * that every issue of that issuer would otherwise lock in turn. Numbers kept when the process
   * stops are never used, like those of an issue that failed after its claim: harmless unused
   * indexes (their bits stay 0 and nobody holds them).
   */
  async allocateMany(issuer: Issuer, purpose: repo.StatusPurpose, n: number): Promise<StatusSlot[]> {
    const key = `${issuer.ref}|${purpose}`;
    const slots: StatusSlot[] = [];
    const take = (range: ReservedRange, count: number) => {
      for (const end = range.next + count; range.next < end; range.next++) {
        const index = (range.next * SCATTER) % range.capacity;
        slots.push({ listId: range.listId, index, purpose, entry: buildStatusEntry(this.listUrl(range.listId), index, purpose) });
      }
    };
    let kept = this.#reserved.get(key);
    if (!kept) this.#reserved.set(key, (kept = []));
    while (slots.length < n && kept.length > 0) {
      const range = kept[0]!;
      take(range, Math.min(n - slots.length, range.end - range.next));
      if (range.next === range.end) kept.shift();
    }
    for (let attempt = 0; slots.length < n && attempt < 5 + n / MIN_STATUS_LIST_BITS; attempt++) {
      const wanted = n - slots.length;
      const claim = await repo.claimSlots(this.db, issuer.ref, purpose, Math.max(wanted, StatusListService.RESERVE_BLOCK));
      if (!claim) { await this.openList(issuer, purpose); continue; }
      const range = { listId: claim.id, capacity: claim.capacity, next: claim.start, end: claim.start + claim.count };
      take(range, Math.min(wanted, range.end - range.next));
      if (range.next < range.end) kept.push(range);
    }
    if (slots.length < n) throw new Error('could not allocate status list indexes');
    return slots;
  }

  /** Opens a new list unless a concurrent caller just did (advisory lock per issuer and purpose). */
  private async openList(issuer: Issuer, purpose: repo.StatusPurpose): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await repo.lockIssuerLists(trx, issuer.ref, purpose);
      if (await repo.hasOpenList(trx, issuer.ref, purpose)) return;
      await repo.insertList(trx, { id: randomUUID(), issuer_ref: issuer.ref, issuer_did: issuer.did, purpose, capacity: MIN_STATUS_LIST_BITS, created_at: this.now() });
    });
  }

  setBit(db: Executor, listId: string, index: number, value: boolean): Promise<void> {
    return repo.setStatusBit(db, listId, index, value);
  }

  getBit(listId: string, index: number): Promise<boolean | undefined> {
    return repo.getStatusBit(this.db, listId, index);
  }

  /** The list id if a URL names one of this service's status lists. */
  localListId(url: string): string | undefined {
    const m = new RegExp(`^${this.listUrl('').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([0-9a-f-]{36})$`).exec(url);
    return m?.[1];
  }

  /** The signed BitstringStatusListCredential, re-signed lazily when bits changed since the last signing. */
  async listCredential(listId: string): Promise<JsonObject> {
    if (!/^[0-9a-f-]{36}$/i.test(listId)) throw notFound('status_list', listId);
    const row = await repo.findList(this.db, listId);
    if (!row) throw notFound('status_list', listId);
    if (row.signed_version === row.version && row.signed) return row.signed as JsonObject;
    const issuer = await this.directory.byRef(row.issuer_ref);
    if (!issuer) throw notFound('status_list', listId);
    const unsigned = buildStatusListCredential({
      id: this.listUrl(listId), issuer: issuer.did, statusPurpose: row.purpose,
      bits: row.bits, validFrom: this.now().toISOString(),
    });
    const key = await this.directory.signingKey(issuer);
    const signed = await this.signer.sign(unsigned, { suite: 'eddsa-rdfc-2022', key, now: this.now() }) as JsonObject;
    await repo.storeSigned(this.db, listId, row.version, signed);
    return signed;
  }
}
