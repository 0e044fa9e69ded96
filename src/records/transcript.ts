import { Decimal } from 'decimal.js';
import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import { toHome, type HomeValue } from './home-conversion.js';
import type { RecognisedCredit } from './recognised-credits.js';
import type { RecordReference } from './reference-data.js';
import type { Achievement } from './records.types.js';
import { describeRecognised, RecognisedTally, type RecognisedEntry, type RecognisedTotals } from './transcript-recognised.js';

export interface TranscriptEntry extends Achievement {
  title: { zh: string | null; en: string | null };
  item: { id: string; code: string; version: number; kind: string } | null;
}

export interface TranscriptGroup {
  institution: { id: string; name: { zh: string | null; en: string } };
  level: { frameworkId: string; frameworkVersion: string; level: number } | null;
  field: { code: string; name: { en: string; zh?: string } } | null;
  achievements: TranscriptEntry[];
  /** Credit this institution recognised from achievements elsewhere in the record (grouped by its target item). */
  recognised: RecognisedEntry[];
}

export interface HomeConversion { achievementId: string; from: string; credits: string; hours: string | null; converted: string; basis: string }

export interface Transcript {
  learnerId: string;
  groups: TranscriptGroup[];
  totals: {
    /** Own achievements only. */
    bySystem: { creditSystemId: string; credits: string; achievements: number }[];
    home: { creditSystemId: string; credits: string; conversions: HomeConversion[]; notConverted: { achievementId: string; creditSystemId: string; reason: string }[] };
    /** Live recognised credits, apart: adding them to the own totals would count their source achievements twice. */
    recognised: RecognisedTotals;
  };
}

export interface TranscriptInput {
  learnerId: string;
  achievements: Achievement[];
  items: Map<string, CatalogueItem>;
  institutions: Map<string, { zh: string | null; en: string }>;
  ref: RecordReference;
  homeCreditSystem: string;
  /** The recognised credits this viewer may see; their target items are in `items`. */
  recognised: RecognisedCredit[];
}

/** A sum of decimal texts, kept as a count per distinct text until the total is asked for (exact). */
class Tally {
  readonly #counts = new Map<string, number>();
  count = 0;
  add(text: string): void {
    this.#counts.set(text, (this.#counts.get(text) ?? 0) + 1);
    this.count++;
  }
  total(values: Values): Decimal {
    let sum = new Decimal(0);
    for (const [text, n] of this.#counts) sum = sum.plus(values.decimal(text).times(n));
    return sum;
  }
}

/**
 * Decimal values and home conversions of one transcript, each computed once: a record repeats a
 * few credit values (4, 3, 2.5) across hundreds of lines, and parsing and converting every line
 * was most of a transcript's CPU.
 */
class Values {
  readonly #decimals = new Map<string, Decimal>();
  readonly #home = new Map<string, HomeValue | { reason: string }>();
  constructor(private readonly i: TranscriptInput) {}

  decimal(text: string): Decimal {
    let d = this.#decimals.get(text);
    if (d === undefined) this.#decimals.set(text, (d = new Decimal(text)));
    return d;
  }

  home(from: string, credits: string, hours: string | null): HomeValue | { reason: string } {
    const key = `${from}\u0000${credits}\u0000${hours ?? ''}`;
    let c = this.#home.get(key);
    if (c === undefined) this.#home.set(key, (c = toHome(from, credits, hours, this.i.ref, this.i.homeCreditSystem)));
    return c;
  }
}

function describe(a: Achievement, items: Map<string, CatalogueItem>, values: Values) {
  const item = a.current.catalogueItemId ? items.get(a.current.catalogueItemId) : undefined;
  const l = a.current.learning;
  return {
    title: item ? item.title : { zh: l?.title.zh ?? null, en: l?.title.en ?? null },
    item: item ? { id: item.id, code: item.code, version: item.version, kind: item.kind } : null,
    level: item ? item.level : l?.level ?? null,
    isced: item ? item.iscedCode : l?.iscedCode ?? null,
    hours: item && item.credits !== null && a.current.credits !== null && values.decimal(item.credits).eq(values.decimal(a.current.credits)) ? item.notionalHours : null,
  };
}

// Field by field rather than `{ ...a, title, item }`: the spread of 11 fields plus two more made
// most of a transcript's garbage (measured with the sampling heap profiler).
const entryOf = (a: Achievement, title: TranscriptEntry['title'], item: TranscriptEntry['item']): TranscriptEntry => ({
  id: a.id, learnerId: a.learnerId, institutionId: a.institutionId, externalId: a.externalId, source: a.source, status: a.status,
  current: a.current, currentVersion: a.currentVersion, history: a.history, createdAt: a.createdAt, title, item,
});

// Only live achievements with credit count toward totals; revoked ones stay listed with their history.
const counts = (a: Achievement, values: Values) => a.status === 'active' && a.current.credits !== null && a.current.creditSystemId !== null
  && values.decimal(a.current.credits).isPositive() && !values.decimal(a.current.credits).isZero();

function homeConversion(a: Achievement, hours: string | null, values: Values): HomeConversion | { reason: string } {
  const c = values.home(a.current.creditSystemId!, a.current.credits!, hours);
  return 'reason' in c ? c : { achievementId: a.id, ...c };
}

function groupOf(groups: Map<string, TranscriptGroup>, i: TranscriptInput, institutionId: string, level: TranscriptGroup['level'], isced: string | null): TranscriptGroup {
  const field = i.ref.field(isced);
  // One flat key (was JSON of the three parts, a large share of a transcript's garbage); NUL cannot
  // occur in ids or codes, and SOH marks an absent level or field.
  const key = `${institutionId}\u0000${level ? `${level.frameworkId}\u0000${level.frameworkVersion}\u0000${level.level}` : '\u0001'}\u0000${field?.code ?? '\u0001'}`;
  let g = groups.get(key);
  if (!g) {
    g = { institution: { id: institutionId, name: i.institutions.get(institutionId) ?? { zh: null, en: institutionId } }, level, field, achievements: [], recognised: [] };
    groups.set(key, g);
  }
  return g;
}

/**
 * Groups a record by institution, level and field and totals its credits. Pure. Recognised credits
 * are grouped under the recognising institution and totalled apart from the learner's own achievements.
 */
export function buildTranscript(i: TranscriptInput): Transcript {
  const groups = new Map<string, TranscriptGroup>();
  const bySystem = new Map<string, Tally>();
  const conversions: HomeConversion[] = [];
  const notConverted: Transcript['totals']['home']['notConverted'] = [];
  const values = new Values(i);
  for (const a of i.achievements) {
    const d = describe(a, i.items, values);
    groupOf(groups, i, a.institutionId, d.level, d.isced).achievements.push(entryOf(a, d.title, d.item));
    if (!counts(a, values)) continue;
    let sys = bySystem.get(a.current.creditSystemId!);
    if (!sys) bySystem.set(a.current.creditSystemId!, (sys = new Tally()));
    sys.add(a.current.credits!);
    const conv = homeConversion(a, d.hours, values);
    if ('reason' in conv) notConverted.push({ achievementId: a.id, creditSystemId: a.current.creditSystemId!, reason: conv.reason });
    else conversions.push(conv);
  }
  const recognised = new RecognisedTally(i.ref, i.homeCreditSystem);
  for (const c of i.recognised) {
    const d = describeRecognised(c, i.items);
    groupOf(groups, i, c.targetInstitutionId, d.level, d.isced).recognised.push(d.entry);
    recognised.add(c, d.hours);
  }
  const home = new Tally();
  for (const c of conversions) home.add(c.converted);
  return {
    learnerId: i.learnerId,
    groups: [...groups.values()],
    totals: {
      bySystem: [...bySystem].map(([creditSystemId, v]) => ({ creditSystemId, credits: v.total(values).toFixed(), achievements: v.count })),
      home: { creditSystemId: i.homeCreditSystem, credits: home.total(values).toFixed(), conversions, notConverted },
      recognised: recognised.totals(),
    },
  };
}
