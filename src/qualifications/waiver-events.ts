import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { BodyRebuilder, EntryRef } from '../ledger/body-registry.js';
import type { WaiverRow } from './waivers.repository.js';

/** Both qualification.waiver_granted and qualification.waiver_revoked log this resource. */
export const WAIVER_RESOURCE = 'requirement_waiver';

type GrantFields = Pick<WaiverRow, 'id' | 'programme_id' | 'programme_version' | 'requirement_id' | 'institution_id' | 'reason' | 'granted_by' | 'granted_at'>;

/** The body of qualification.waiver_granted: the same function at write time and at check time. */
export function waiverGrantedBody(r: GrantFields) {
  return {
    waiverId: r.id, programmeId: r.programme_id, programmeVersion: r.programme_version, requirementId: r.requirement_id,
    institutionId: r.institution_id, reason: r.reason, grantedBy: r.granted_by, grantedAt: new Date(r.granted_at).toISOString(),
  };
}

export function waiverRevokedBody(r: { id: string; revoked_by: string; revocation_reason: string; revoked_at: Date | string }) {
  return { waiverId: r.id, revokedBy: r.revoked_by, reason: r.revocation_reason, revokedAt: new Date(r.revoked_at).toISOString() };
}

/** For the ledger's database check: the grant or revocation a waiver row still names (found through the entry's learner). */
export const rebuildWaivers: BodyRebuilder = async (db: Executor, entries: readonly EntryRef[]) => {
  const { rows } = await sql<WaiverRow & { entry_id: string | number }>`
    select w.id, w.programme_id, w.programme_version, w.requirement_id, w.institution_id, w.reason, w.granted_by, w.granted_at,
      w.ledger_entry_id, w.revoked_at, w.revoked_by, w.revocation_reason, w.revoked_entry_id, e.id as entry_id
    from ledger_entries e join requirement_waivers w on w.learner_id = e.learner_id and w.id::text = e.resource_id
    where e.id = any(${entries.map((e) => e.id)}::bigint[])`.execute(db);
  const out = new Map<number, unknown>();
  for (const r of rows) {
    const entryId = Number(r.entry_id);
    if (Number(r.ledger_entry_id) === entryId) out.set(entryId, waiverGrantedBody(r));
    else if (r.revoked_at !== null && Number(r.revoked_entry_id) === entryId) {
      out.set(entryId, waiverRevokedBody({ id: r.id, revoked_by: r.revoked_by ?? '', revocation_reason: r.revocation_reason ?? '', revoked_at: r.revoked_at }));
    }
  }
  return out;
};
