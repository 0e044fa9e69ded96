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

// Only live achievements with credit count toward totals; revoked ones stay listed with their history.
const counts = (a: Achievement, values: Values) => a.status === 'active' && a.current.credits !== null && a.current.creditSystemId !== null
  && values.decimal(a.current.credits).isPositive() && !values.decimal(a.current.credits).isZero();

function homeConversion(a: Achievement, hours: string | null, values: Values): HomeConversion | { reason: string } {
  const c = values.home(a.current.creditSystemId!, a.current.credits!, hours);
  return 'reason' in c ? c : { achievementId: a.id, ...c };
}

function groupOf(groups: Map<string, TranscriptGroup>, i: TranscriptInput, institutionId: string, level: TranscriptGroup['level'], isced: string | null): TranscriptGroup {
  const field = i.ref.field(isced);
  const key = JSON.stringify([institutionId, level, field?.code ?? null]);
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
  const bySystem = new Map<string, { credits: Decimal; achievements: number }>();
  const conversions: HomeConversion[] = [];
  const notConverted: Transcript['totals']['home']['notConverted'] = [];
  const values = new Values(i);
  for (const a of i.achievements) {
    const d = describe(a, i.items, values);
    groupOf(groups, i, a.institutionId, d.level, d.isced).achievements.push({ ...a, title: d.title, item: d.item });
    if (!counts(a, values)) continue;
    const sys = bySystem.get(a.current.creditSystemId!) ?? { credits: new Decimal(0), achievements: 0 };
    bySystem.set(a.current.creditSystemId!, { credits: sys.credits.plus(values.decimal(a.current.credits!)), achievements: sys.achievements + 1 });
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
  const home = conversions.reduce((s, c) => s.plus(c.converted), new Decimal(0));
  return {
    learnerId: i.learnerId,
    groups: [...groups.values()],
    totals: {
      bySystem: [...bySystem].map(([creditSystemId, v]) => ({ creditSystemId, credits: v.credits.toFixed(), achievements: v.achievements })),
      home: { creditSystemId: i.homeCreditSystem, credits: home.toFixed(), conversions, notConverted },
      recognised: recognised.totals(),
    },
  };
}
