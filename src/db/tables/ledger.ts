import type { Generated } from 'kysely';

export interface LedgerEntriesTable {
  id: Generated<number>;
  learner_id: string | null;
  subject_ref: string;
  event_type: string;
  actor: string;
  recorded_at: Date;
  body_digest: string;
  resource_type: string;
  resource_id: string;
  leaf_index: number | null;
  leaf_hash: Uint8Array | null;
}

export interface LedgerNodesTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

export interface LedgerTreeHeadsTable {
  id: Generated<number>;
  tree_size: number;
  root_hash: string;
  timestamp: Date;
  key_id: string;
  signature: string;
}
