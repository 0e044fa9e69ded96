import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Actor } from '../auth/principal.js';
import type { Db, Executor } from '../db/database.js';
import { deriveKey, open, seal } from './envelope.js';
import { keyEventType, type KeyEventLog } from './key-events.js';
import * as repo from './keys.repository.js';

/** The actor logged for keys the store creates on first use (no person asked for them). */
export const KEY_STORE_ACTOR = 'system:key-store';

export interface SigningKey {
  id: string;
  owner: string;
  purpose: string;
  status: 'active' | 'retired' | 'revoked';
  publicJwk: JWK;
  createdAt: Date;
  revokedAt: Date | null;
  revocationReason: string | null;
}

export interface ActiveKey extends SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The private JWK (with `d`), for libraries that take raw key material. Never leaves the process. */
  privateJwk: JWK;
}

function toSigningKey(row: repo.KeyRow): SigningKey {
  return {
    id: row.id, owner: row.owner, purpose: row.purpose, status: row.status,
    publicJwk: JSON.parse(row.public_key) as JWK, createdAt: row.created_at,
    revokedAt: row.revoked_at, revocationReason: row.revocation_reason,
  };
}

/**
 * Ed25519 keys of the bank and the institutions, private halves sealed with AES-256-GCM under a
 * sub-key of the key-encryption key. Decrypted keys are cached per instance, never logged or returned.
 */
export class KeyStore {
  readonly #kek: Buffer;
  readonly #cache = new Map<string, ActiveKey>();
  // Bumped by forget(): a key read before another instance's change is not cached after it.
  #generation = 0;

  /** `events`: where keys of the logged purposes are recorded (the ledger), in the insert's transaction. */
  constructor(private readonly db: Db, keyEncryptionKey: Buffer, private readonly now: () => Date,
    private readonly events?: KeyEventLog) {
    this.#kek = deriveKey(keyEncryptionKey, 'signing-keys');
  }

  /**
   * Creates a key and makes it the active one for (owner, purpose); earlier keys stay as retired.
   * Keys of a logged purpose get a key.created (first key) or key.rotated entry in the same
   * transaction: the caller's, or one opened here.
   */
  async rotate(owner: string, purpose: string, trx?: Executor, actor: Actor | string = KEY_STORE_ACTOR): Promise<SigningKey> {
    if (!trx) return this.db.transaction().execute((t) => this.rotate(owner, purpose, t, actor));
    const { privateKey } = generateKeyPairSync('ed25519');
    const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
    const { d: _d, ...publicJwk } = privateJwk;
    const id = `${purpose}-${randomUUID()}`;
    const at = this.now();
    const earlier = await repo.countKeys(trx, owner, purpose);
    await repo.retireActiveKeys(trx, owner, purpose, at);
    await repo.insertKey(trx, {
      id, owner, purpose, algorithm: 'Ed25519', public_key: JSON.stringify(publicJwk),
      private_key_enc: seal(this.#kek, JSON.stringify(privateJwk), id), created_at: at,
    });
    const key = (await this.get(id, trx))!;
    // The body is built from the row as stored, exactly as the ledger's database check rebuilds it.
    if (this.events?.logs(purpose)) await this.events.added(trx, keyEventType(earlier), key, actor, at);
    for (const [k, v] of this.#cache) if (v.owner === owner && v.purpose === purpose) this.#cache.delete(k);
    return key;
  }

  async active(owner: string, purpose: string): Promise<ActiveKey | undefined> {
    for (const key of this.#cache.values()) {
      if (key.owner === owner && key.purpose === purpose && key.status === 'active') return key;
    }
    const generation = this.#generation;
    const row = await repo.findActiveKey(this.db, owner, purpose);
    if (!row) return undefined;
    const privateJwk = JSON.parse(open(this.#kek, row.private_key_enc, row.id)) as JWK;
    const privateKey = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
    const key: ActiveKey = { ...toSigningKey(row), privateKey, publicKey: createPublicKey(privateKey), privateJwk };
    if (generation === this.#generation) this.#cache.set(row.id, key);
    return key;
  }

  /**
   * The active key, created (and logged) when there is none: an owner's first key, or the
   * replacement after its active key was revoked. A lock per (owner, purpose) makes concurrent
   * first uses create one key, not one each (the later one would retire the earlier at once).
   */
  async activeOrCreate(owner: string, purpose: string): Promise<ActiveKey> {
    const existing = await this.active(owner, purpose);
    if (existing) return existing;
    await this.db.transaction().execute(async (trx) => {
      await repo.lockOwnerPurpose(trx, owner, purpose);
      if (!(await repo.findActiveKey(trx, owner, purpose))) await this.rotate(owner, purpose, trx);
    });
    return (await this.active(owner, purpose))!;
  }

  async get(id: string, db: Executor = this.db): Promise<SigningKey | undefined> {
    const row = await repo.findKey(db, id);
    return row ? toSigningKey(row) : undefined;
  }

  async list(owner: string, purpose: string): Promise<SigningKey[]> {
    return (await repo.listKeys(this.db, owner, purpose)).map(toSigningKey);
  }

  async revoke(id: string, reason: string, trx: Executor = this.db): Promise<void> {
    await repo.revokeKey(trx, id, this.now(), reason);
    this.#cache.delete(id);
  }

  /** Drops cached keys so another instance's rotation or revocation is picked up (see IssuerDirectory.message). */
  forget(): void {
    this.#generation++;
    this.#cache.clear();
  }
}
