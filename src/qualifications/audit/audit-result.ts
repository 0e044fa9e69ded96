import type { Decimal } from 'decimal.js';
import type { CandidateItem, LocalText } from './programme.js';

export type RequirementState = 'satisfied' | 'partly' | 'not' | 'waived';

export interface RequirementStatus {
  id: string;
  kind: 'total' | 'category' | 'minimum' | 'required' | 'choice';
  name: LocalText;
  status: RequirementState;
  /** Credits for total / category / minimum; a number of items for required / choice. */
  unit: 'credits' | 'items';
  counted: Decimal;
  needed: Decimal;
  missing: Decimal;
  /** Ids of the counted items that contribute. */
  itemIds: string[];
  waiverReason?: string;
}

export interface CapGroupUsage { key: string; used: Decimal; limit: Decimal }
export interface CapStatus { id: string; name: LocalText; groups: CapGroupUsage[] }

export interface Assignment {
  itemId: string;
  categoryId: string;
  credits: Decimal;
  hypothetical: boolean;
}

export type UnusedReason =
  | 'failing-result' | 'too-old' | 'duplicate' | 'cap' | 'category-full' | 'not-eligible';

export interface UnusedItem { itemId: string; reason: UnusedReason; detail: string; hypothetical: boolean }

export interface Suggestion { requirementId: string; candidates: CandidateItem[] }

export interface AuditResult {
  programmeId: string;
  programmeVersion: string;
  asOf: string;
  complete: boolean;
  totalCounted: Decimal;
  requirements: RequirementStatus[];
  caps: CapStatus[];
  assignments: Assignment[];
  unused: UnusedItem[];
  suggestions: Suggestion[];
  hypotheticalItemIds: string[];
}
