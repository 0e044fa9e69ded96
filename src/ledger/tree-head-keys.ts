import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Actor } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { ActiveKey, KeyStore, SigningKey } from '../keys/key-store.js';
import { signTreeHead, type SignedTreeHead, type TreeHead } from './merkle/index.js';
import type { HeadRow } from './ledger.repository.js';

export const LEDGER_KEY_OWNER = 'bank';
export const LEDGER_KEY_PURPOSE = 'ledger';

export interface LedgerJwk extends JWK {
  kid: string;
  /** 'active', 'retired' (rotated: still verifies the heads it signed) or 'revoked'. */
  status: string;
}

/** The bank's tree-head signing keys: the active one signs, every key ever used stays published. */
export class TreeHeadKeys {
  constructor(private readonly keys: KeyStore) {}

  /** Fetch (or create) the signing key before opening a transaction: the key store uses its own connection. */
  signingKey(): Promise<ActiveKey> {
    return this.keys.activeOrCreate(LEDGER_KEY_OWNER, LEDGER_KEY_PURPOSE);
  }

  /**
   * A new head-signing key (logged as key.rotated in `trx`); the old one is retired, not deleted,
   * so it stays in the JWKS and the heads it signed keep verifying.
   */
  rotate(trx: Executor, actor: Actor): Promise<SigningKey> {
    return this.keys.rotate(LEDGER_KEY_OWNER, LEDGER_KEY_PURPOSE, trx, actor);
  }

  async sign(head: TreeHead, key: ActiveKey): Promise<SignedTreeHead> {
    return signTreeHead(head, key.privateKey, key.id);
  }

  /** JWKS of every tree-head key, rotated ones included, so old heads keep verifying. */
  async jwks(): Promise<{ keys: LedgerJwk[] }> {
    const all = await this.keys.list(LEDGER_KEY_OWNER, LEDGER_KEY_PURPOSE);
    return { keys: all.map((k) => ({ ...k.publicJwk, kid: k.id, alg: 'EdDSA', use: 'sig', status: k.status })) };
  }
}

/** A key resolver over a JWKS document (what the auditor downloads). */
export function resolverFromJwks(jwks: { keys: JWK[] }): (kid: string) => KeyObject | undefined {
  const byKid = new Map<string, KeyObject>();
  for (const jwk of jwks.keys) {
    if (typeof jwk.kid !== 'string' || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') continue;
    const { kty, crv, x } = jwk;
    byKid.set(jwk.kid, createPublicKey({ key: { kty, crv, x } as never, format: 'jwk' }));
  }
  return (kid) => byKid.get(kid);
}

export function signedHeadOf(row: HeadRow): SignedTreeHead {
  return { treeSize: row.tree_size, rootHash: row.root_hash, timestamp: row.timestamp.getTime(), kid: row.key_id, signature: row.signature };
}

export function headRowOf(head: SignedTreeHead): HeadRow {
  return { tree_size: head.treeSize, root_hash: head.rootHash, timestamp: new Date(head.timestamp), key_id: head.kid, signature: head.signature };
}
