import { randomUUID } from 'node:crypto';
import type { Actor } from '../../auth/principal.js';
import { actorOf } from '../../auth/principal.js';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import { decodeTimeIdCursor, toPage, type Page } from '../../db/pagination.js';
import { conflict, invalidField, notFound } from '../../errors.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import type { JsonObject } from '../core/did-key.js';
import type { NotifiedCache } from '../../db/notified-cache.js';
import { checkTrustEntry, type TrustEntryInput } from './trust-entry-input.js';
import { addedBody, materialDigest, removedBody } from './trust-list-bodies.js';
import * as repo from './trusted-issuers.repository.js';

export interface TrustedIssuer {
  id: string; issuerId: string; kind: 'did' | 'url'; name: { en: string; zh: string | null };
  didDocument: JsonObject | null; publicKeys: { id: string; publicKeyPem: string }[];
  status: 'active' | 'removed'; addedAt: string; addedBy: string;
  removedAt: string | null; removedBy: string | null; removalReason: string | null;
}

const UUID = /^[0-9a-f-]{36}$/i;

/** Migration 0015's trigger announces every committed change to the trust list here ('' = everything). */
export const TRUST_LIST_CHANNEL = 'trusted_issuer_changed';

/** Size of the look-up cache; the TTL only bounds a missed notification, not normal staleness. */
export const TRUST_CACHE = { max: 10_000, ttlSeconds: 60 };

/** A cached look-up: boxed, so that "no such entry" is cached too. */
export interface TrustLookup { row: repo.TrustedIssuerRow | undefined }

/**
 * The bank's trust list of external issuers. Operators add and remove entries; anyone reads them.
 * A removal is recorded on the entry (never a delete) and is not retroactive: imports judged while
 * the entry was in force keep naming it, only later imports stop counting. Each change writes its
 * audit-trail line and a ledger entry (the list decides what counts for recognition).
 */
export class TrustListService {
  /**
   * `isOwn`: whether an issuer id is the bank's or a registered institution's (those are trusted
   * already, from the registry). `cache`: look-ups (verification asks several times per request),
   * "not on the list" included, dropped on every change notification (migration 0015); without one
   * every look-up reads the database.
   */
  constructor(private readonly db: Db, private readonly ledger: LedgerWriter, private readonly now: () => Date,
    private readonly isOwn: (issuerId: string) => Promise<boolean> = async () => false,
    readonly cache?: NotifiedCache<TrustLookup>) {}

  async add(input: TrustEntryInput, actor: Actor): Promise<TrustedIssuer & { created: boolean }> {
    if (await this.isOwn(input.issuerId.trim())) {
      throw invalidField('/body/issuerId', 'issuer_is_registered', `${input.issuerId.trim()} is the bank or a registered institution: it is trusted through the registry, with its keys from the key store`);
    }
    const e = checkTrustEntry(input);
    const at = this.now();
    const row = {
      id: randomUUID(), issuer_id: e.issuerId, kind: e.kind, name_en: e.nameEn, name_zh: e.nameZh,
      did_document: e.didDocument === null ? null : JSON.stringify(e.didDocument), public_keys: JSON.stringify(e.publicKeys),
      added_by: actorOf(actor.principal), added_at: at, removed_at: null, removed_by: null, removal_reason: null,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await repo.insertEntry(trx, row);
        const stored = (await repo.findEntry(trx, row.id))!;
        await recordWrite(trx, actor, { action: 'trusted_issuer.add', resourceType: 'trusted_issuer', resourceId: row.id, detail: { issuerId: e.issuerId } }, at);
        await this.ledger.append(trx, { eventType: 'trusted_issuer.added', actor, learnerId: null, resourceType: 'trusted_issuer', resourceId: row.id, body: addedBody(stored), at });
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Already on the list: the same entry again is a retry; different names or keys are a conflict.
      const existing = await repo.activeEntry(this.db, e.issuerId);
      if (!existing) throw err;
      const same = existing.name_en === e.nameEn && existing.name_zh === e.nameZh
        && materialDigest(existing) === materialDigest({ did_document: e.didDocument, public_keys: e.publicKeys });
      if (same) return { ...view(existing), created: false };
      throw conflict('issuer_already_trusted', `${e.issuerId} is already on the trust list as entry ${existing.id}; remove it first to change its names or keys`, { trustedIssuerId: existing.id });
    }
    this.cache?.clear(); // this instance reads its own write at once; others hear the notification
    return { ...view((await repo.findEntry(this.db, row.id))!), created: true };
  }

  async remove(id: string, reason: string, actor: Actor): Promise<TrustedIssuer & { changed: boolean }> {
    const entry = UUID.test(id) ? await repo.findEntry(this.db, id) : undefined;
    if (!entry) throw notFound('trusted_issuer', id);
    if (entry.removed_at) return { ...view(entry), changed: false };
    const at = this.now();
    const changed = await this.db.transaction().execute(async (trx) => {
      if (!(await repo.markRemoved(trx, id, { at, by: actorOf(actor.principal), reason }))) return false;
      const removed = (await repo.findEntry(trx, id))!;
      await recordWrite(trx, actor, { action: 'trusted_issuer.remove', resourceType: 'trusted_issuer', resourceId: id, detail: { issuerId: entry.issuer_id, reason } }, at);
      await this.ledger.append(trx, { eventType: 'trusted_issuer.removed', actor, learnerId: null, resourceType: 'trusted_issuer', resourceId: id, body: removedBody(removed), at });
      return true;
    });
    this.cache?.clear();
    return { ...view((await repo.findEntry(this.db, id))!), changed };
  }

  async get(id: string): Promise<TrustedIssuer> {
    const entry = UUID.test(id) ? await repo.findEntry(this.db, id) : undefined;
    if (!entry) throw notFound('trusted_issuer', id);
    return view(entry);
  }

  /** Entries by id (in force or removed), for showing which entry made an import's issuer trusted. */
  async byIds(ids: string[]): Promise<Map<string, TrustedIssuer>> {
    const rows = await repo.findEntries(this.db, [...new Set(ids)]);
    return new Map(rows.map((r) => [r.id, view(r)]));
  }

  async list(q: { includeRemoved?: boolean; limit?: number; cursor?: string }): Promise<Page<TrustedIssuer>> {
    const limit = q.limit ?? 50;
    const after = decodeTimeIdCursor(q.cursor);
    const rows = await repo.listEntries(this.db, { includeRemoved: q.includeRemoved ?? false, after, limit });
    return toPage(rows, limit, view, (r) => [r.added_at.toISOString(), r.id]);
  }

  /** The entry in force for an issuer (DID or URL), or undefined when the issuer is not trusted now. */
  active(issuerId: string): Promise<TrustedIssuer | undefined> {
    return this.cached(`a:${issuerId}`, () => repo.activeEntry(this.db, issuerId)).then((r) => (r ? view(r) : undefined));
  }

  /**
   * The stored DID document (or an https issuer's controller document) of an external issuer, for
   * offline resolution. A removed entry's document still resolves: removal withdraws trust, it
   * does not make signatures invalid.
   */
  async controllerDocument(id: string): Promise<JsonObject | undefined> {
    const row = await this.cached(`l:${id}`, () => repo.latestEntry(this.db, id));
    return (parse(row?.did_document ?? null) as JsonObject | null) ?? undefined;
  }

  /** The entry holding an Open Badges 2.0 CryptographicKey (verification.creator), and the key. */
  async ob2Key(keyId: string): Promise<{ entry: TrustedIssuer; publicKeyPem: string } | undefined> {
    const row = await this.cached(`k:${keyId}`, () => repo.entryWithKey(this.db, keyId));
    if (!row) return undefined;
    const entry = view(row);
    const key = entry.publicKeys.find((k) => k.id === keyId);
    return key ? { entry, publicKeyPem: key.publicKeyPem } : undefined;
  }

  private async cached(key: string, load: () => Promise<repo.TrustedIssuerRow | undefined>): Promise<repo.TrustedIssuerRow | undefined> {
    if (!this.cache) return load();
    return (await this.cache.get(key, async () => ({ row: await load() })))!.row;
  }
}

const parse = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

function view(r: repo.TrustedIssuerRow): TrustedIssuer {
  return {
    id: r.id, issuerId: r.issuer_id, kind: r.kind, name: { en: r.name_en, zh: r.name_zh },
    didDocument: (parse(r.did_document) as JsonObject | null) ?? null, publicKeys: (parse(r.public_keys) as TrustedIssuer['publicKeys']) ?? [],
    status: r.removed_at ? 'removed' : 'active', addedAt: r.added_at.toISOString(), addedBy: r.added_by,
    removedAt: r.removed_at?.toISOString() ?? null, removedBy: r.removed_by, removalReason: r.removal_reason,
  };
}
