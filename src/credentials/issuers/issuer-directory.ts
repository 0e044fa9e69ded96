import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import type { Executor } from '../../db/database.js';
import type { ChannelHandler } from '../../db/notifications.js';
import { didWebFor } from '../../institutions/codes.js';
import type { KeyStore, SigningKey } from '../../keys/key-store.js';
import { CONTEXT_URLS } from '../core/context-store.js';
import type { JsonObject } from '../core/did-key.js';
import type { IssuerKey } from '../core/keys.js';

/** Migration 0016's trigger announces every committed change to keys or institutions here ('' = everything). */
export const ISSUER_CHANNEL = 'issuer_changed';

/** Key purpose in the key store for credential assertion keys. */
export const CREDENTIAL_KEY_PURPOSE = 'credentials';
/** The bank's own issuer reference (institutions are referenced by their id). */
export const BANK_REF = 'bank';
export const BANK_NAME = { en: 'Lifelong Learning Credit Bank', zh: '终身学习学分银行' };

export interface Issuer {
  /** 'bank' or an institution id: the key store owner. */
  ref: string;
  did: string;
  name: { en: string; zh: string | null };
  kind: string;
  slug: string | null;
  url: string;
}

/**
 * Who can issue (the bank and every registered institution), their did:web identifiers and DID
 * documents, and their signing keys in Multikey form. The DID documents list every key ever used
 * (so old credentials still resolve); revoked keys stay in verificationMethod but leave
 * assertionMethod, and the keys table doubles as the revocation registry the verifier consults.
 */
export class IssuerDirectory implements ChannelHandler {
  readonly bankDid: string;
  readonly #signing = new Map<string, IssuerKey>();
  // DID documents and issuers by DID: verification looks them up several times per request. A
  // rotation or revocation here clears them, and so does another instance's, through migration
  // 0016's notification on ISSUER_CHANNEL while this directory is subscribed (then LIVE_TTL_MS is
  // only a safety net). Not subscribed (tests, a lost connection), they are kept TTL_MS at most.
  readonly #docs = new Map<string, { at: number; value: Promise<JsonObject | undefined> }>();
  readonly #byDid = new Map<string, { at: number; value: Promise<Issuer | undefined> }>();
  readonly #byRef = new Map<string, { at: number; value: Promise<Issuer | undefined> }>();
  static readonly TTL_MS = 5_000;
  static readonly LIVE_TTL_MS = 60_000;
  #live = false;
  // Bumped by every change notification: a look-up that started before it is not kept.
  #generation = 0;

  constructor(private readonly db: Executor, private readonly keys: KeyStore, private readonly publicUrl: string) {
    this.bankDid = didWebFor(publicUrl);
  }

  bank(): Issuer {
    return { ref: BANK_REF, did: this.bankDid, name: { ...BANK_NAME }, kind: 'credit-bank', slug: null, url: this.publicUrl };
  }

  /**
   * The issuer by reference. Cached like `byDid` (every VC-API issue and batch starts with the
   * caller's own institution); a caller's transaction reads its own view instead.
   */
  async byRef(ref: string, db: Executor = this.db): Promise<Issuer | undefined> {
    if (ref === BANK_REF) return this.bank();
    if (!/^[0-9a-f-]{36}$/i.test(ref)) return undefined;
    const load = async () => {
      const row = await db.selectFrom('institutions').select(['id', 'slug', 'did', 'name_en', 'name_zh', 'kind', 'status'])
        .where('id', '=', ref).executeTakeFirst();
      return row ? this.toIssuer(row) : undefined;
    };
    return db === this.db ? this.cached(this.#byRef, ref, load) : load();
  }

  byDid(did: string): Promise<Issuer | undefined> {
    return this.cached(this.#byDid, did, () => this.loadByDid(did));
  }

  private cached<T>(map: Map<string, { at: number; value: Promise<T> }>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && Date.now() - hit.at < (this.#live ? IssuerDirectory.LIVE_TTL_MS : IssuerDirectory.TTL_MS)) return hit.value;
    if (map.size > 10_000) map.clear();
    const value = load();
    const entry = { at: Date.now(), value };
    const generation = this.#generation;
    map.set(key, entry);
    const drop = () => { if (map.get(key) === entry) map.delete(key); };
    value.then(() => { if (generation !== this.#generation) drop(); }, drop);
    return value;
  }

  /** A key or an institution changed somewhere (migration 0016): forget every cached key and document. */
  message(): void {
    this.#generation++;
    this.#byDid.clear();
    this.#byRef.clear();
    this.forgetSigningKeys();
  }

  /** Subscribed or not: either way what was cached may have missed changes, so it is dropped. */
  live(live: boolean): void {
    this.#live = live;
    this.message();
  }

  private async loadByDid(did: string): Promise<Issuer | undefined> {
    if (did === this.bankDid) return this.bank();
    const row = await this.db.selectFrom('institutions').select(['id', 'slug', 'did', 'name_en', 'name_zh', 'kind', 'status'])
      .where('did', '=', did).executeTakeFirst();
    return row ? this.toIssuer(row) : undefined;
  }

  async bySlug(slug: string): Promise<Issuer | undefined> {
    const row = await this.db.selectFrom('institutions').select(['id', 'slug', 'did', 'name_en', 'name_zh', 'kind', 'status'])
      .where('slug', '=', slug).executeTakeFirst();
    return row ? this.toIssuer(row) : undefined;
  }

  private toIssuer(r: { id: string; slug: string; did: string; name_en: string; name_zh: string | null; kind: string }): Issuer {
    return { ref: r.id, did: r.did, name: { en: r.name_en, zh: r.name_zh }, kind: r.kind, slug: r.slug, url: `${this.publicUrl}/institutions/${r.id}` };
  }

  /** The verification method URL of a key store key. */
  vmId(issuer: Issuer, keyId: string): string {
    return `${issuer.did}#${keyId}`;
  }

  /** The issuer's active assertion key (created on first use), with its secret, for signing. */
  async signingKey(issuer: Issuer): Promise<IssuerKey> {
    const active = await this.keys.activeOrCreate(issuer.ref, CREDENTIAL_KEY_PURPOSE);
    const cached = this.#signing.get(active.id);
    if (cached) return cached;
    const pair = await Ed25519Multikey.fromJwk({ jwk: active.privateJwk as JsonObject, secretKey: true });
    const key: IssuerKey = {
      id: this.vmId(issuer, active.id), controller: issuer.did,
      publicKeyMultibase: pair.publicKeyMultibase, secretKeyMultibase: pair.secretKeyMultibase!,
    };
    this.#signing.set(active.id, key);
    return key;
  }

  /** Forget cached signing keys (after a rotation or revocation). */
  forgetSigningKeys(): void {
    this.#signing.clear();
    this.#docs.clear();
    this.keys.forget();
  }

  /** The DID document of the bank or an institution, from the database (never the network). */
  didDocument(did: string): Promise<JsonObject | undefined> {
    return this.cached(this.#docs, did, () => this.loadDidDocument(did));
  }

  private async loadDidDocument(did: string): Promise<JsonObject | undefined> {
    const issuer = await this.byDid(did);
    if (!issuer) return undefined;
    const keys = await this.keys.list(issuer.ref, CREDENTIAL_KEY_PURPOSE);
    if (keys.length === 0 && issuer.ref === BANK_REF) await this.signingKey(issuer);
    return this.documentFor(issuer, keys.length === 0 && issuer.ref === BANK_REF ? await this.keys.list(issuer.ref, CREDENTIAL_KEY_PURPOSE) : keys);
  }

  private async documentFor(issuer: Issuer, keys: SigningKey[]): Promise<JsonObject> {
    const methods = await Promise.all(keys.map(async (k) => ({
      id: this.vmId(issuer, k.id), type: 'Multikey', controller: issuer.did,
      publicKeyMultibase: (await Ed25519Multikey.fromJwk({ jwk: k.publicJwk as JsonObject })).publicKeyMultibase,
    })));
    const usable = keys.filter((k) => k.status !== 'revoked').map((k) => this.vmId(issuer, k.id));
    return {
      '@context': [CONTEXT_URLS.didV1, CONTEXT_URLS.multikeyV1],
      id: issuer.did,
      alsoKnownAs: [issuer.url],
      verificationMethod: methods,
      assertionMethod: usable,
      authentication: usable,
    };
  }

  /** The key-store record behind a verification method URL, if it is one of ours. */
  async keyForVerificationMethod(vm: string): Promise<SigningKey | undefined> {
    const [did, keyId] = vm.split('#', 2);
    if (!did || !keyId) return undefined;
    const issuer = await this.byDid(did);
    if (!issuer) return undefined;
    const key = await this.keys.get(keyId);
    return key && key.owner === issuer.ref ? key : undefined;
  }
}
