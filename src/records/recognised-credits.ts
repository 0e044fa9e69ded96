import type { Executor } from '../db/database.js';
import type { RecordView } from './record-access.js';

/** One event in a recognised credit's life, as its ledger entry records it. */
export interface RecognisedCreditEvent {
  action: 'granted' | 'revoked';
  at: string;
  /** Who: the ledger entry's actor (a learner, institution client or operator; 'engine' work names its requester). */
  actor: string;
  /** Why: the decision's reason for a grant, the revocation reason for a revocation. */
  reason: string;
  ledgerEntryId: number;
}

/**
 * Credit a target institution recognised from achievements in this record. The recognition domain
 * owns it (table recognised_credits) and supplies it through a RecognisedCreditSource; the record
 * shows it under the target institution, linked to its source achievements.
 */
export interface RecognisedCredit {
  id: string;
  targetInstitutionId: string;
  programmeId: string | null;
  category: string;
  credits: string;
  /** The credit system `credits` are in: the target's, from its caps policy in force on the day of recognition, else the home system. */
  creditSystemId: string;
  /** The target item as the grant names it (`institutionId:code` from a rule, or a reviewer's reference). */
  targetItemId: string | null;
  /** The target item's catalogue version in force on the day of recognition (else its latest), when the catalogue has it. */
  catalogueItemId: string | null;
  /** What it rests on: achievements of the record, and credential imports (listed with the record's imported credentials). */
  sources: { achievementIds: string[]; institutionIds: string[]; importIds: string[]; trustEntryIds: string[] };
  decision: { id: string; requestId: string; itemId: string; kind: string; outcome: string; reviewer: string };
  rule: { id: string; version: number } | null;
  recognisedOn: string;
  status: 'active' | 'revoked';
  history: RecognisedCreditEvent[];
}

/** Every recognised credit of one learner, live and revoked (one learner-scoped query). */
export type RecognisedCreditSource = (db: Executor, learnerId: string) => Promise<RecognisedCredit[]>;

/**
 * What a viewer of the record may see of its recognised credits. A whole-record view sees all of
 * them. A partial view sees the credit the viewing institution recognised itself (it is part of the
 * record there, as its deposits are), and a credit whose every source achievement the learner shared
 * with the viewer (a link to chosen achievements, or a grant naming the institution). Depositing a
 * source achievement is not enough: where else it was recognised is the learner's to share.
 */
export function visibleCredit(view: RecordView, c: RecognisedCredit): boolean {
  if (view.kind === 'all') return true;
  if (c.targetInstitutionId === view.depositor) return true;
  return c.sources.achievementIds.length > 0 && c.sources.achievementIds.every((id) => view.shared.has(id));
}
