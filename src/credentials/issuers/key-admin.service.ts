import type { Actor } from '../../auth/principal.js';
import { assertActsForInstitution } from '../../auth/policy.js';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import type { Db } from '../../db/database.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import type { KeyStore } from '../../keys/key-store.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import { keyRevokedBody } from '../ledger/event-bodies.js';
import { forgetSignaturesBy } from '../status/status-lists.repository.js';
import { CREDENTIAL_KEY_PURPOSE, type IssuerDirectory } from './issuer-directory.js';

export interface KeyView { keyId: string; verificationMethod: string; status: string; createdAt: string; revokedAt: string | null; revocationReason: string | null }

/** Rotation and revocation of issuer keys: audited, and logged to the ledger as key.rotated (by the key store) / key.revoked. */
export class KeyAdminService {
  constructor(private readonly db: Db, private readonly keys: KeyStore, private readonly directory: IssuerDirectory,
    private readonly ledger: LedgerWriter, private readonly now: () => Date) {}

  async rotate(issuerRef: string, actor: Actor): Promise<KeyView> {
    if (issuerRef !== 'bank') assertActsForInstitution(actor.principal, issuerRef);
    else if (actor.principal.kind !== 'operator') throw forbidden('operator_only', 'Only operators rotate the bank\'s key');
    const issuer = await this.directory.byRef(issuerRef);
    if (!issuer) throw notFound('institution', issuerRef);
    const at = this.now();
    const key = await this.db.transaction().execute(async (trx) => {
      // The key store logs key.rotated (or key.created, for a first key) in this transaction.
      const k = await this.keys.rotate(issuer.ref, CREDENTIAL_KEY_PURPOSE, trx, actor);
      await recordWrite(trx, actor, { action: 'key.rotate', resourceType: 'key', resourceId: k.id, institutionId: issuer.ref === 'bank' ? null : issuer.ref }, at);
      return k;
    });
    this.directory.forgetSigningKeys();
    return { keyId: key.id, verificationMethod: this.directory.vmId(issuer, key.id), status: key.status, createdAt: key.createdAt.toISOString(), revokedAt: null, revocationReason: null };
  }

  /** Marks a key compromised: it leaves assertionMethod and every credential it signed fails with this reason. */
  async revoke(keyId: string, reason: string, actor: Actor): Promise<KeyView> {
    const key = await this.keys.get(keyId);
    if (!key || key.purpose !== CREDENTIAL_KEY_PURPOSE) throw notFound('key', keyId);
    if (key.status === 'revoked') throw conflict('key_already_revoked', `Key ${keyId} was revoked already`);
    const issuer = (await this.directory.byRef(key.owner))!;
    const at = this.now();
    await this.db.transaction().execute(async (trx) => {
      await this.keys.revoke(keyId, reason, trx);
      await recordWrite(trx, actor, { action: 'key.revoke', resourceType: 'key', resourceId: keyId, institutionId: key.owner === 'bank' ? null : key.owner, detail: { reason } }, at);
      // The body's time is the one the key store wrote, so the ledger check can rebuild it from the row.
      const { revoked_at } = await trx.selectFrom('keys').select('revoked_at').where('id', '=', keyId).executeTakeFirstOrThrow();
      await this.ledger.append(trx, { eventType: 'key.revoked', actor, learnerId: null, resourceType: 'key', resourceId: keyId,
        body: keyRevokedBody({ id: keyId, owner: key.owner, reason, revokedAt: revoked_at ?? at }), at });
      await forgetSignaturesBy(trx, key.owner, this.directory.vmId(issuer, keyId));
    });
    this.directory.forgetSigningKeys();
    return { keyId, verificationMethod: this.directory.vmId(issuer, keyId), status: 'revoked', createdAt: key.createdAt.toISOString(), revokedAt: at.toISOString(), revocationReason: reason };
  }

  async list(issuerRef: string): Promise<KeyView[]> {
    const issuer = await this.directory.byRef(issuerRef);
    if (!issuer) throw notFound('institution', issuerRef);
    return (await this.keys.list(issuer.ref, CREDENTIAL_KEY_PURPOSE)).map((k) => ({
      keyId: k.id, verificationMethod: this.directory.vmId(issuer, k.id), status: k.status, createdAt: k.createdAt.toISOString(),
      revokedAt: k.revokedAt?.toISOString() ?? null, revocationReason: k.revocationReason,
    }));
  }
}
