// Domain types of the catalogue of learning opportunities (issue 3). The records helper
// imports these; the table contract lives in migrations/0003-frameworks-catalogue.ts.

export const CATALOGUE_KINDS = [
  'course',
  'unit',
  'module',
  'micro-major',
  'mooc',
  'certificate',
  'exam',
  'qualification',
] as const;
export type CatalogueKind = (typeof CATALOGUE_KINDS)[number];

/** Kinds that may be published without a credit value (a pass of an exam or certificate). */
export const NON_CREDIT_BEARING_KINDS: readonly CatalogueKind[] = ['certificate', 'exam'];

export const DELIVERY_MODES = ['online', 'offline', 'blended'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** Micro-major (微专业) completion rule. Credits are exact decimal strings. */
export type CompletionRule =
  | { type: 'all' }
  | { type: 'n-of'; n: number }
  | { type: 'min-credits'; credits: string };

export interface LevelReference {
  frameworkId: string;
  frameworkVersion: string;
  level: number;
}

export interface LocalisedText {
  zh?: string;
  en?: string;
}

export interface CatalogueItem {
  id: string;
  institutionId: string;
  code: string;
  version: number;
  kind: CatalogueKind;
  title: { zh: string | null; en: string | null };
  level: LevelReference | null;
  creditSystemId: string | null;
  credits: string | null;
  notionalHours: string | null;
  iscedCode: string | null;
  outcomes: LocalisedText[];
  language: string | null;
  mode: DeliveryMode | null;
  gradingSchemeId: string;
  platform: string | null;
  completionRule: CompletionRule | null;
  components: string[] | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  retiredAt: string | null;
  /** Why it was retired (退出), when it was. */
  retiredReason: string | null;
  createdAt: string;
}

/**
 * Whether a new deposit (record) may be made against this item for a learning
 * completed on `date` (YYYY-MM-DD). Retired items take no new deposits; existing records
 * stay valid. The effective window is inclusive at both ends.
 */
export function isDepositable(item: CatalogueItem, date: string): boolean {
  if (item.retiredAt !== null) return false;
  if (date < item.effectiveFrom) return false;
  if (item.effectiveTo !== null && date > item.effectiveTo) return false;
  return true;
}
