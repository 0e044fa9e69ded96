import { Decimal } from 'decimal.js';
import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import { convertCredits } from '../frameworks/credit-arithmetic.js';
import type { RecordReference } from './reference-data.js';
import type { Achievement } from './records.types.js';

export interface TranscriptEntry extends Achievement {
  title: { zh: string | null; en: string | null };
  item: { id: string; code: string; version: number; kind: string } | null;
}

export interface TranscriptGroup {
  institution: { id: string; name: { zh: string | null; en: string } };
  level: { frameworkId: string; frameworkVersion: string; level: number } | null;
  field: { code: string; name: { en: string; zh?: string } } | null;
  achievements: TranscriptEntry[];
}

export interface HomeConversion { achievementId: string; from: string; credits: string; hours: string | null; converted: string; basis: string }

export interface Transcript {
  learnerId: string;
  groups: TranscriptGroup[];
  totals: {
    bySystem: { creditSystemId: string; credits: string; achievements: number }[];
    home: { creditSystemId: string; credits: string; conversions: HomeConversion[]; notConverted: { achievementId: string; creditSystemId: string; reason: string }[] };
  };
}

export interface TranscriptInput {
  learnerId: string;
  achievements: Achievement[];
  items: Map<string, CatalogueItem>;
  institutions: Map<string, { zh: string | null; en: string }>;
  ref: RecordReference;
  homeCreditSystem: string;
}

function describe(a: Achievement, items: Map<string, CatalogueItem>) {
  const item = a.current.catalogueItemId ? items.get(a.current.catalogueItemId) : undefined;
  const l = a.current.learning;
  return {
    title: item ? item.title : { zh: l?.title.zh ?? null, en: l?.title.en ?? null },
    item: item ? { id: item.id, code: item.code, version: item.version, kind: item.kind } : null,
    level: item ? item.level : l?.level ?? null,
    isced: item ? item.iscedCode : l?.iscedCode ?? null,
    hours: item && item.credits !== null && a.current.credits !== null && new Decimal(item.credits).eq(a.current.credits) ? item.notionalHours : null,
  };
}

// Only live achievements with credit count toward totals; revoked ones stay listed with their history.
const counts = (a: Achievement) => a.status === 'active' && a.current.credits !== null && a.current.creditSystemId !== null && new Decimal(a.current.credits).gt(0);

function homeConversion(a: Achievement, hours: string | null, i: TranscriptInput): HomeConversion | { reason: string } {
  const from = a.current.creditSystemId!;
  const credits = a.current.credits!;
  if (from === i.homeCreditSystem) return { achievementId: a.id, from, credits, hours, converted: credits, basis: 'already in the home credit system' };
  const src = i.ref.creditSystem(from).system;
  const dst = i.ref.creditSystem(i.homeCreditSystem).system;
  if (!src || !dst) return { reason: `${!src ? from : i.homeCreditSystem} defines no hours per credit` };
  const c = convertCredits(credits, src, dst, hours === null ? {} : { hours });
  return { achievementId: a.id, from, credits, hours: c.hours.toFixed(), converted: c.credits.toFixed(), basis: c.basis };
}

/** Groups a record by institution, level and field and totals its credits. Pure. */
export function buildTranscript(i: TranscriptInput): Transcript {
  const groups = new Map<string, TranscriptGroup>();
  const bySystem = new Map<string, { credits: Decimal; achievements: number }>();
  const conversions: HomeConversion[] = [];
  const notConverted: Transcript['totals']['home']['notConverted'] = [];
  for (const a of i.achievements) {
    const d = describe(a, i.items);
    const field = i.ref.field(d.isced);
    const key = JSON.stringify([a.institutionId, d.level, field?.code ?? null]);
    if (!groups.has(key)) {
      groups.set(key, { institution: { id: a.institutionId, name: i.institutions.get(a.institutionId) ?? { zh: null, en: a.institutionId } }, level: d.level, field, achievements: [] });
    }
    groups.get(key)!.achievements.push({ ...a, title: d.title, item: d.item });
    if (!counts(a)) continue;
    const sys = bySystem.get(a.current.creditSystemId!) ?? { credits: new Decimal(0), achievements: 0 };
    bySystem.set(a.current.creditSystemId!, { credits: sys.credits.plus(a.current.credits!), achievements: sys.achievements + 1 });
    const conv = homeConversion(a, d.hours, i);
    if ('reason' in conv) notConverted.push({ achievementId: a.id, creditSystemId: a.current.creditSystemId!, reason: conv.reason });
    else conversions.push(conv);
  }
  const home = conversions.reduce((s, c) => s.plus(c.converted), new Decimal(0));
  return {
    learnerId: i.learnerId,
    groups: [...groups.values()],
    totals: {
      bySystem: [...bySystem].map(([creditSystemId, v]) => ({ creditSystemId, credits: v.credits.toFixed(), achievements: v.achievements })),
      home: { creditSystemId: i.homeCreditSystem, credits: home.toFixed(), conversions, notConverted },
    },
  };
}
