import type { ColumnType, Generated } from 'kysely';

export interface KeysTable {
  id: string;
  owner: string;
  purpose: string;
  algorithm: string;
  public_key: string;
  private_key_enc: string;
  status: Generated<'active' | 'retired' | 'revoked'>;
  created_at: ColumnType<Date, Date | undefined, never>;
  retired_at: Date | null;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

export interface AuditTrailTable {
  id: Generated<string>;
  occurred_at: ColumnType<Date, Date | undefined, never>;
  principal_kind: string;
  principal_id: string;
  institution_id: string | null;
  learner_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string;
  request_id: string | null;
  detail: unknown;
}

export interface IdempotencyKeysTable {
  principal_id: string;
  key: string;
  route: string;
  request_hash: string;
  status_code: number | null;
  response: unknown;
  /** The replayed headers of the response (see REPLAYED_HEADERS in src/http/idempotency.ts); null before migration 0020. */
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  created_at: ColumnType<Date, never, never>;
}
