import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { ISSUED_BODY_COLUMNS, type CredentialRow } from '../issuance/credentials.repository.js';
import { pgBit } from '../status/status-lists.repository.js';

/** A Bitstring Status List position the verifier asks about (the list is one of ours). */
export interface StatusPosition { listId: string; index: number }

/** What a position holds: its list's purpose and the bit; 'no_list' when the list does not exist, 'outside' past its end. */
export type PositionState = { purpose: string; set: boolean } | 'no_list' | 'outside';

/** A credential's credential.issued body fields and that entry (entry fields null when it has none). */
export type IssuedRecord = Pick<CredentialRow, (typeof ISSUED_BODY_COLUMNS)[number]> & {
  entry_id: number | null; body_digest: string | null; leaf_index: number | null; recorded_at: Date | null;
};

export interface VerificationFacts { positions: PositionState[]; records: Map<string, IssuedRecord> }

type RecordJson = Omit<IssuedRecord, 'recorded_at'> & { recorded_at: string | null };

/**
 * Everything the verifier reads from the database for any number of credentials, in one statement:
 * the status bits at the given positions (in their order) and the issued records of the given
 * credential ids. A presentation of a hundred credentials costs one round trip, not two hundred.
 * Callers pass well-formed UUIDs and indexes within int4; positions past a list's end are reported,
 * not sent to get_bit, which would raise.
 */
export async function verificationFacts(db: Executor, positions: StatusPosition[], credentialIds: string[]): Promise<VerificationFacts> {
  if (positions.length === 0 && credentialIds.length === 0) return { positions: [], records: new Map() };
  const columns = sql.join(ISSUED_BODY_COLUMNS.map((c) => sql.ref(`c.${c}`)));
  const r = await sql<{ bits: [number, string | null, number][]; records: RecordJson[] }>`
    select
      (select coalesce(json_agg(json_build_array(x.ord, l.purpose,
                 case when x.pos < octet_length(l.bits) * 8 then get_bit(l.bits, x.pos) else -1 end)), '[]')
         from unnest(${positions.map((p) => p.listId)}::uuid[], ${positions.map((p) => pgBit(p.index))}::int[]) with ordinality as x(list_id, pos, ord)
         left join status_lists l on l.id = x.list_id) as bits,
      (select coalesce(json_agg(r), '[]') from (
         select ${columns}, e.id as entry_id, e.body_digest, e.leaf_index, e.recorded_at
         from credentials c left join lateral (
           select id, body_digest, leaf_index, recorded_at from ledger_entries
           where resource_type = 'credential' and resource_id = c.id::text and event_type = 'credential.issued'
           order by id limit 1) e on true
         where c.id = any(${credentialIds}::uuid[])) r) as records`.execute(db);
  const row = r.rows[0]!;
  const states: PositionState[] = new Array(positions.length);
  for (const [ord, purpose, bit] of row.bits) states[ord - 1] = purpose === null ? 'no_list' : bit === -1 ? 'outside' : { purpose, set: bit === 1 };
  const records = new Map(row.records.map((x) => [x.id, { ...x, recorded_at: x.recorded_at === null ? null : new Date(x.recorded_at) }]));
  return { positions: states, records };
}
