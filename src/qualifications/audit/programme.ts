import type { Decimal } from 'decimal.js';

/** Text in English with an optional Chinese (or other original-language) form. */
export interface LocalText { en: string; zh?: string; ko?: string }

/**
 * Which items a requirement or cap looks at. Every given field must match (AND);
 * a list matches when the item's value is any of its entries.
 */
export interface ItemFilter {
  sourceKinds?: string[];
  providers?: string[];
  catalogueItemIds?: string[];
  /** Matches items whose `eligibleFor` holds one of these tags or requirement ids. */
  tags?: string[];
  atAwardingInstitution?: boolean;
  viaRecognition?: boolean;
}

/** A bucket: every counted item sits in exactly one category. */
export interface CategoryRequirement {
  id: string; kind: 'category'; name: LocalText;
  minCredits: string; maxCredits?: string;
  /** Any item may count here (a free-elective bucket), not only items listing this id. */
  acceptsAny?: boolean;
}

/**
 * An overlay: a minimum on credits already counted in the categories (it does not add credits).
 * `minFraction` is a fraction of the programme's total credits, rounded up to whole units.
 */
export interface MinimumRequirement {
  id: string; kind: 'minimum'; name: LocalText;
  filter: ItemFilter; minCredits?: string; minFraction?: string;
  /** Take `minFraction` of this category's minimum instead of the programme total. */
  fractionOf?: string;
  /** Only credits counted in these categories qualify; all categories when absent. */
  scope?: string[];
}

/** An overlay: this catalogue item (or an item listing this requirement's id) must be counted. */
export interface RequiredItemRequirement {
  id: string; kind: 'required'; name: LocalText;
  catalogueItemIds: string[]; scope?: string[];
}

/** An overlay: at least `choose` distinct counted items out of these. */
export interface ChoiceRequirement {
  id: string; kind: 'choice'; name: LocalText;
  catalogueItemIds: string[]; choose: number; scope?: string[];
}

export type Requirement = CategoryRequirement | MinimumRequirement | RequiredItemRequirement | ChoiceRequirement;

/** How a cap splits items into groups, each group limited separately. */
export type CapGrouping = 'all' | 'provider' | 'sourceKind' | 'year' | 'term';

/** A hard limit: counted credits of the matching items never exceed it, in each group. */
export interface Cap {
  id: string; name: LocalText; per: CapGrouping;
  filter?: ItemFilter;
  /** `maxFraction` is a fraction of the programme's total credits (or of category `fractionOf`'s minimum), rounded down. */
  maxCredits?: string; maxFraction?: string; fractionOf?: string;
}

export interface ProgrammeSource {
  title: string; url: string; publisher?: string; accessed?: string;
  /** Which figures in this file the source was checked against. */
  confirms: string[];
}

/** A versioned requirement set of one qualification at an awarding institution. */
export interface Programme {
  id: string; version: string; name: LocalText;
  awardingInstitution: string;
  frameworkLevel: { framework: string; level: string };
  creditSystem: string;
  totalCredits: string;
  /** ISCED-F 2013 field code of the qualification, carried into the award credential. */
  fieldOfStudy?: string;
  requirements: Requirement[];
  caps: Cap[];
  /** Items older than this many years before the audit date do not count. */
  recencyYears?: number;
  /** Months (1–12) on which terms start, used for `per: 'term'` caps when an item has no term. */
  termStartMonths?: number[];
  /** Minimum results, as data for the caller, who sets `AuditItem.passing` with the grading module. */
  minimumResults?: { scheme: string; result: string; note?: string }[];
  sources: ProgrammeSource[];
  notes?: string[];
}

/** One achievement or recognised credit on a learner's record, as the audit sees it. */
export interface AuditItem {
  id: string;
  credits: Decimal;
  /** Category ids, requirement ids or tags this item may count toward. */
  eligibleFor: string[];
  provider: string;
  sourceKind: string;
  atAwardingInstitution: boolean;
  viaRecognition: boolean;
  /** ISO date (YYYY-MM-DD) the credit was earned. */
  date: string;
  /** Term label (e.g. '2024-1'); derived from `date` and `termStartMonths` when absent. */
  term?: string;
  /** Decided by the caller against `Programme.minimumResults`. */
  passing: boolean;
  result?: string;
  catalogueItemId?: string;
  /** Items sharing a key are the same subject: at most one of them counts. */
  duplicateKey?: string;
  title?: string;
}

/** A catalogue item the learner could still take, offered as a suggestion. */
export type CandidateItem = Omit<AuditItem, 'id' | 'date' | 'term' | 'passing' | 'result' | 'duplicateKey'> & {
  catalogueItemId: string;
  duplicateKey?: string;
};

export interface Waiver { requirementId: string; reason: string }

export interface AuditOptions {
  /** ISO date the audit is made on; recency is measured from it (no hidden clock). */
  asOf: string;
  waivers?: Waiver[];
  candidates?: CandidateItem[];
  /** Suggestions listed per unmet requirement; default 5. */
  maxSuggestions?: number;
}
