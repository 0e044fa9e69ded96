import type { Principal } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import { forbidden } from '../errors.js';
import { sharesGrantedTo } from '../sharing/shares.repository.js';

/** What one viewer may see of a learner's record. */
export type RecordView =
  | { kind: 'all' }
  | { kind: 'partial'; depositor: string; shared: Set<string> };

/**
 * Privacy first: the learner and operators see everything; an institution with records:read sees
 * only what it deposited itself plus what the learner shared with it by name (an active share
 * grant naming the institution). Holding records:read alone never opens someone's whole record.
 */
export async function viewOf(db: Executor, p: Principal, learnerId: string, now: Date): Promise<RecordView> {
  if (p.kind === 'operator') return { kind: 'all' };
  if (p.kind === 'learner') {
    if (p.learnerId !== learnerId) throw forbidden('other_learner', 'A learner may act only on their own account');
    return { kind: 'all' };
  }
  if (p.kind === 'institution' && p.scopes.includes('records:read')) {
    const grants = await sharesGrantedTo(db, learnerId, p.institutionId, now);
    if (grants.some((g) => g.whole_record)) return { kind: 'all' };
    return { kind: 'partial', depositor: p.institutionId, shared: new Set(grants.flatMap((g) => g.achievement_ids)) };
  }
  throw forbidden('insufficient_scope', 'Reading a learning record needs the scope records:read');
}

export const visible = (view: RecordView, a: { id: string; institution_id: string }): boolean =>
  view.kind === 'all' || a.institution_id === view.depositor || view.shared.has(a.id);
