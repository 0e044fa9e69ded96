import type { Actor } from '../../auth/principal.js';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import type { Db, Executor } from '../../db/database.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import * as repo from '../issuance/credentials.repository.js';
import type { StatusListService } from './status-lists.service.js';
import { statusEventBody } from '../ledger/event-bodies.js';

export type StatusAction = 'revoke' | 'suspend' | 'unsuspend';
const NEXT: Record<StatusAction, 'revoked' | 'suspended' | 'active'> = { revoke: 'revoked', suspend: 'suspended', unsuspend: 'active' };

/** Revocation and suspension of issued credentials (issuer only), each a ledger event. */
export class CredentialStatusService {
  constructor(private readonly db: Db, private readonly lists: StatusListService, private readonly ledger: LedgerWriter,
    private readonly now: () => Date) {}

  async change(credentialId: string, action: StatusAction, reason: string | null, actor: Actor) {
    if (!/^[0-9a-f-]{36}$/i.test(credentialId)) throw notFound('credential', credentialId);
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.lockCredential(trx, credentialId);
      if (!row) throw notFound('credential', credentialId);
      assertIssuer(actor, row.issuer_ref);
      return this.apply(trx, row, action, reason, actor);
    });
  }

  /** Revoking a record achievement revokes, in the same transaction, every credential resting on it. */
  async onAchievementRevoked(trx: Executor, e: { learnerId: string; achievementId: string; reason: string; actor: Actor }): Promise<void> {
    for (const row of await repo.findBySource(trx, e.learnerId, e.achievementId)) {
      await this.apply(trx, row, 'revoke', `achievement ${e.achievementId} revoked: ${e.reason}`, e.actor);
    }
  }

  /** Applies a change inside the caller's transaction (also used by the record-revocation cascade). */
  async apply(trx: Executor, row: repo.CredentialRow, action: StatusAction, reason: string | null, actor: Actor | string) {
    if (row.status === 'revoked') {
      if (action === 'revoke') return { id: row.id, status: row.status, changed: false };
      throw conflict('credential_revoked', 'A revoked credential cannot change status');
    }
    if (action !== 'revoke' && row.suspension_list_id === null) {
      throw conflict('not_suspendable', 'This credential was issued without a suspension status entry');
    }
    const next = NEXT[action];
    if (row.status === next) return { id: row.id, status: row.status, changed: false };
    await repo.setStatus(trx, row.id, next, reason);
    const at = this.now();
    if (typeof actor !== 'string') {
      await recordWrite(trx, actor, { action: `credential.${action}`, resourceType: 'credential', resourceId: row.id, learnerId: row.learner_id, detail: { reason } }, at);
    }
    await this.ledger.append(trx, {
      eventType: `credential.${next === 'active' ? 'unsuspended' : next}`, actor, learnerId: row.learner_id,
      resourceType: 'credential', resourceId: row.id, body: statusEventBody(row.id, next, reason), at,
    });
    // The list row is shared by thousands of credentials: its bit is set last so its row lock is
    // held only from here to commit, not across the audit and ledger inserts.
    if (action === 'revoke') await this.lists.setBit(trx, row.revocation_list_id, row.revocation_index, true);
    else await this.lists.setBit(trx, row.suspension_list_id!, row.suspension_index!, action === 'suspend');
    return { id: row.id, status: next, changed: true };
  }
}

/** Only the issuer (its clients) or an operator may change a credential's status. */
export function assertIssuer(actor: Actor, issuerRef: string): void {
  const p = actor.principal;
  if (p.kind === 'operator') return;
  if (p.kind === 'institution' && p.institutionId === issuerRef) return;
  throw forbidden('not_issuer', 'Only the issuer of a credential may change its status');
}
