import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import type { RevocationHandler } from '../../records/records.types.js';
import type { SourceNames } from '../evaluation/display-names.js';
import { notify } from './decision-writer.js';
import { subjectTextOf } from './item-subjects.js';
import { CREDIT_RESOURCE, creditRevocationBody } from './ledger-bodies.js';
import * as repo from './requests.repository.js';

/**
 * Runs inside the transaction that revokes an achievement: every live recognised credit that names
 * it as a source is revoked too, logged, and both the learner and the target institution are told.
 */
export function revokeDerivedCredit(ledger: LedgerWriter, names: SourceNames): RevocationHandler {
  return async (trx, ev) => {
    const credits = await repo.liveCreditsFrom(trx, ev.learnerId, ev.achievementId);
    const subject = credits.length ? await subjectTextOf(trx, names, { learnerId: ev.learnerId, id: ev.achievementId, kind: 'achievement' }) : '';
    for (const c of credits) {
      const reason = `source achievement ${ev.achievementId} revoked: ${ev.reason}`;
      const entry = await ledger.append(trx, {
        eventType: 'recognition.credit-revoked', actor: ev.actor, learnerId: ev.learnerId, resourceType: CREDIT_RESOURCE, resourceId: c.id,
        body: creditRevocationBody({ id: c.id, revoked_at: ev.at, revoked_reason: reason }), at: ev.at,
      });
      await repo.revokeCredit(trx, ev.learnerId, c.id, { at: ev.at, reason, entryId: entry.id });
      await notify(trx, {
        learnerId: ev.learnerId, institutionId: c.target_institution_id, kind: 'credit-revoked', subjectId: c.id,
        message: `${c.credits} ${c.category} credits recognised at ${await names.name(trx, c.target_institution_id)} on ${c.recognised_on} `
          + `are revoked because their source ${subject} was revoked: ${ev.reason}`,
        detail: { creditId: c.id, itemId: c.item_id, achievementId: ev.achievementId, credits: c.credits },
      }, ev.at);
    }
  };
}
