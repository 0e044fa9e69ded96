import type { ColumnType, Generated } from 'kysely';

export type CredentialFormat = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022' | 'vc+jwt';
export type CredentialStatus = 'active' | 'revoked' | 'suspended';

export interface CredentialsTable {
  learner_id: string | null;
  id: string;
  /** Institution id, or 'bank'. */
  issuer_ref: string;
  issuer_did: string;
  key_id: string;
  format: CredentialFormat;
  kind: string;
  issuance_key: string;
  document: unknown;
  jwt: string | null;
  source_ids: ColumnType<string[], string[] | undefined, string[]>;
  status: Generated<CredentialStatus>;
  status_reason: string | null;
  revocation_list_id: string;
  revocation_index: number;
  suspension_list_id: string | null;
  suspension_index: number | null;
  valid_from: Date;
  valid_until: Date | null;
  issued_at: Date;
}

export interface StatusListsTable {
  id: string;
  issuer_ref: string;
  issuer_did: string;
  purpose: 'revocation' | 'suspension';
  capacity: number;
  allocated: Generated<number>;
  bits: Uint8Array;
  version: Generated<number>;
  signed_version: number | null;
  signed: unknown;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface CredentialImportsTable {
  learner_id: string;
  id: string;
  digest: string;
  format: string;
  verification: string;
  verified: boolean;
  trusted_issuer: boolean;
  issuer: string | null;
  name: string | null;
  original: string;
  checks: unknown;
  created_at: Date;
  /** The trust-list entry that made the issuer trusted at import time (null: not trusted). */
  trust_entry_id: ColumnType<string | null, string | null | undefined, never>;
  /** For an achievement credential bundled in an imported CLR: that CLR's import (null: imported on its own). */
  part_of: ColumnType<string | null, string | null | undefined, never>;
}

/** An external issuer on the bank's trust list; removal is recorded once, never deleted. */
export interface TrustedIssuersTable {
  id: string;
  /** The issuer's DID or (Open Badges 2.0 profile) URL, as credentials name it. */
  issuer_id: string;
  kind: 'did' | 'url';
  name_zh: string | null;
  name_en: string;
  /** The DID document verification resolves offline (null for did:key, which needs none). */
  did_document: unknown;
  /** Open Badges 2.0 CryptographicKeys: [{ id, publicKeyPem }]. */
  public_keys: unknown;
  added_by: string;
  added_at: Date;
  removed_at: Date | null;
  removed_by: string | null;
  removal_reason: string | null;
}
