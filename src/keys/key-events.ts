import type { Actor } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { BodyRebuilder, EntryRef } from '../ledger/body-registry.js';
import type { LedgerWriter } from '../ledger/ledger-writer.js';

/** Resource type of key events in the ledger; the resource id is the key store id. */
export const KEY_RESOURCE = 'key';

export type KeyEventType = 'key.created' | 'key.rotated';

type Body = Record<string, unknown>;

/**
 * Body of key.created and key.rotated: the key id, its owner (the controller: 'bank' or an
 * institution id), the PUBLIC JWK and the creation time. Never private material. The same shape
 * the issuer-key admin route logged before, so entries already in a log keep verifying.
 */
export function keyAddedBody(k: { id: string; owner: string; publicJwk: unknown; createdAt: Date }): Body {
  return { keyId: k.id, owner: k.owner, publicJwk: k.publicJwk, createdAt: k.createdAt.toISOString() };
}

export function keyRevokedBody(k: { id: string; owner: string; reason: string; revokedAt: Date }): Body {
  return { keyId: k.id, owner: k.owner, reason: k.reason, revokedAt: k.revokedAt.toISOString() };
}

/** The event a new key of (owner, purpose) is: its first key, or one that follows earlier keys. */
export const keyEventType = (earlierKeys: number): KeyEventType => (earlierKeys === 0 ? 'key.created' : 'key.rotated');

/**
 * Where the key store logs the keys it creates: the ledger, for the purposes whose keys a verifier
 * relies on (credential assertion keys, tree-head keys). Other purposes (access tokens, the
 * development identity provider) are service internals and stay out of the public log.
 */
export class KeyEventLog {
  constructor(private readonly ledger: LedgerWriter, readonly purposes: ReadonlySet<string>) {}

  logs(purpose: string): boolean {
    return this.purposes.has(purpose);
  }

  /** Appends inside the caller's transaction, the one that inserted the key. */
  async added(trx: Executor, eventType: KeyEventType, key: { id: string; owner: string; publicJwk: unknown; createdAt: Date }, actor: Actor | string, at: Date): Promise<number> {
    const { id } = await this.ledger.append(trx, {
      eventType, actor, learnerId: null, resourceType: KEY_RESOURCE, resourceId: key.id, body: keyAddedBody(key), at,
    });
    return id;
  }
}

// Key store ids are '<purpose>-<uuid>'.
const KEY_ID = /^[a-z0-9-]{1,100}$/i;

/** Rebuilds key.created, key.rotated and key.revoked bodies from the keys table as it is now. */
export const rebuildKeys: BodyRebuilder = async (db: Executor, entries: readonly EntryRef[]) => {
  const list = [...new Set(entries.map((e) => e.resourceId).filter((id) => KEY_ID.test(id)))];
  const rows = list.length === 0 ? [] : await db.selectFrom('keys').select(['id', 'owner', 'public_key', 'created_at', 'revoked_at', 'revocation_reason'])
    .where('id', 'in', list).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<number, unknown>();
  for (const e of entries) {
    const k = byId.get(e.resourceId);
    if (!k) continue;
    if (e.eventType === 'key.created' || e.eventType === 'key.rotated') {
      out.set(e.id, keyAddedBody({ id: k.id, owner: k.owner, publicJwk: JSON.parse(k.public_key), createdAt: k.created_at }));
    } else if (e.eventType === 'key.revoked' && k.revoked_at) {
      out.set(e.id, keyRevokedBody({ id: k.id, owner: k.owner, reason: k.revocation_reason ?? '', revokedAt: k.revoked_at }));
    } else out.set(e.id, { keyId: k.id, status: 'not revoked' });
  }
  return out;
};
