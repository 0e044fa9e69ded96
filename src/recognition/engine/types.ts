import type { Decimal } from 'decimal.js';
import type { CreditSystem } from '../../frameworks/credit-arithmetic.js';
import type { GradeConversionTable, GradingScheme } from '../../frameworks/grading.js';

export type ItemKind =
  | 'course' | 'unit' | 'module' | 'micro-major' | 'mooc'
  | 'certificate' | 'exam' | 'qualification' | 'work-based' | 'rpl'
  | 'other'; // an imported credential of a type the bank does not map (rules match it by pattern)

export interface FrameworkLevel { frameworkId: string; version: string; level: number }

/**
 * A level to reach: in `frameworkId` (and `version` when given; absent: any version of that
 * framework compares directly). A level in another framework or version compares only through a
 * published level mapping.
 */
export interface LevelRequirement { frameworkId: string; version?: string; level: number }

/** A learning outcome as the engine sees it: already resolved from the record and the catalogue. */
export interface EngineAchievement {
  id: string;
  learnerId: string;
  sourceInstitutionId: string;
  catalogueItemId: string | null; // null: learning outside any catalogue (RPL, work-based)
  catalogueItemVersion: string | null;
  kind: ItemKind;
  platform: string | null; // e.g. a MOOC platform id
  level: FrameworkLevel | null;
  fieldOfStudy: string | null; // ISCED-F 2013 code, e.g. '0413'
  credits: Decimal;
  creditSystemId: string;
  /**
   * True when the source does not state its credits in a credit system the bank knows (an imported
   * credential may not): `credits` is then 0 and meaningless, and any rule that needs the value
   * (a credit minimum, a conversion) goes to a reviewer instead of being decided.
   */
  creditsUnstated?: boolean;
  notionalHours: Decimal | null;
  result: string;
  gradingSchemeId: string;
  completedOn: string; // ISO date YYYY-MM-DD
  revoked: boolean;
  /** How explanations name it (e.g. its title and code); absent: its id. */
  label?: string;
}

/** One side of an equivalency: a catalogue item at an institution, with its credit value there. */
export interface RuleItem {
  itemId: string;
  version?: string | null; // absent/null: any version of the item
  institutionId: string;
  credits: Decimal; // in the credit system of the institution that holds the item
  category?: string; // e.g. 'major', 'general'; defaults to 'specified'
}

export interface MinResult {
  schemeId: string;
  result: string; // lowest acceptable result in `schemeId`
  conversionTableId?: string; // when the achievement's scheme differs; else any table from→to
}

export interface Conditions {
  minResult?: MinResult;
  /** Completed within `years` of the evaluation date, or of `referenceDate` when given. */
  recency?: { years: number; referenceDate?: string };
  /**
   * Source level must be ≥ this unless `allowLowerLevel`. Rules published through the service
   * carry it by default (derived from the target side when the publisher did not state it).
   */
  targetLevel?: LevelRequirement;
  /**
   * For a bidirectional equivalency read back (targets → sources): the level the achievement must
   * reach, i.e. the source side's level. Absent: `targetLevel` is used in both directions.
   */
  reverseTargetLevel?: LevelRequirement;
  allowLowerLevel?: boolean;
  /** The learner must also hold (non-revoked) achievements of these items, or these achievements. */
  prerequisites?: { itemId?: string; achievementId?: string }[];
  waiverOnly?: boolean; // satisfies the target requirement with 0 credits
}

export interface RuleOwner { kind: 'institution' | 'agreement'; id: string }

interface RuleBase {
  id: string;
  version: number;
  owner: RuleOwner;
  targetInstitutionId: string;
  programmeId?: string;
  effectiveFrom: string; // ISO date, inclusive
  effectiveTo?: string | null; // ISO date, inclusive; null/absent: open-ended
  rationale: string;
  evidence: string[];
  conditions: Conditions;
  maxCredits?: Decimal; // per-rule cap, across every use of this rule id for the learner
}

/** Equivalency: all `sources` together → all `targets` (1:1, many:1, 1:many). */
export interface EquivalencyRule extends RuleBase {
  type: 'equivalency';
  sources: RuleItem[];
  targets: RuleItem[];
  bidirectional: boolean; // may also be read targets → sources at the source institution
}

/** Every listed criterion must hold; an empty/absent list means "any". */
export interface AchievementPattern {
  kinds?: ItemKind[];
  institutionIds?: string[];
  platforms?: string[];
  minLevel?: LevelRequirement;
  fieldPrefix?: string; // ISCED-F prefix, e.g. '04' for business, administration and law
  minCredits?: { amount: Decimal; creditSystemId: string };
  minHours?: Decimal;
}

export interface BlockRule extends RuleBase {
  type: 'block';
  pattern: AchievementPattern;
  credits: Decimal; // in the target credit system
  category: string; // e.g. 'elective'
  targetItem?: RuleItem; // absent: unspecified credit
}

export interface ConversionRule extends RuleBase {
  type: 'conversion';
  pattern: AchievementPattern;
  step: Decimal; // rounding step in the target system
  category: string;
  targetItem?: RuleItem;
}

export type Rule = EquivalencyRule | BlockRule | ConversionRule;

export interface AgreementWindow {
  id: string;
  name?: string; // how explanations name it; absent: the id
  effectiveFrom: string;
  effectiveTo?: string | null;
  members: { institutionId: string; joinedOn: string; leftOn?: string | null }[];
}

/** Target-level caps; the per-rule cap lives on the rule (`maxCredits`). */
export interface TargetCaps {
  perSourceInstitution?: Decimal;
  learnerPeriod?: { months: number; max: Decimal }; // rolling window ending on the evaluation date
  // A fraction of programmeTotalCredits; give thirds as numerator/denominator so that 1/3 of 120
  // is exactly 40 (a Decimal 0.333… would leave 39.99…, which caps exact sums one step short).
  programme?: { max?: Decimal; fraction?: Decimal | { numerator: Decimal; denominator: Decimal } };
}

export interface Target {
  institutionId: string;
  programmeId?: string;
  programmeTotalCredits?: Decimal;
  creditSystem: CreditSystem;
  caps?: TargetCaps;
}

/** Credit already granted to this learner at this target; counts against caps. */
export interface PriorRecognition {
  credits: Decimal;
  recognisedOn: string;
  ruleId?: string;
  sourceInstitutionIds?: string[];
  achievementIds?: string[];
  targetItemIds?: string[];
}

export interface ReviewerRef { institutionId: string; queue?: string }

export interface EvaluationInput {
  achievements: EngineAchievement[];
  agreements?: AgreementWindow[];
  target: Target;
  date: string;
  previouslyRecognised?: PriorRecognition[];
  gradingSchemes: GradingScheme[];
  gradeConversions: GradeConversionTable[];
  creditSystems: CreditSystem[];
  reviewerFor?: (a: EngineAchievement) => ReviewerRef;
  /**
   * What else the learner holds, for prerequisites: live achievements of the whole record beyond
   * `achievements` (their ids and catalogue items) and target items already recognised at the target.
   */
  held?: { achievementIds: readonly string[]; itemIds: readonly string[] };
  /**
   * Level referencing between frameworks (another module): the lowest level of `toFrameworkId`
   * (of `toVersion` when given) that a published mapping declares equivalent to `level`;
   * undefined when no published mapping exists.
   */
  referenceLevel?: (level: FrameworkLevel, toFrameworkId: string, toVersion?: string) => number | undefined;
  /**
   * How much of the evaluation-wide explanation to write. 'full' (default): every cap, every
   * solver note and one line per candidate not chosen. 'summary': the same header, at most
   * SUMMARY_LINES caps, notes and candidates not chosen (the strongest: most credit, then key),
   * each list followed by a count of what it leaves out. Outcomes and their explanations are
   * the same either way.
   */
  explain?: 'full' | 'summary';
  /** How explanations name institutions and catalogue items; absent, or undefined for an id: the id. */
  names?: EngineNames;
}

/** Display names for the ids explanations mention. Read only when a text is written. */
export interface EngineNames {
  institution?: (id: string) => string | undefined;
  item?: (id: string) => string | undefined;
}
