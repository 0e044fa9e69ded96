import { Decimal } from 'decimal.js';
import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import { toHome, type HomeValue } from './home-conversion.js';
import type { RecognisedCredit } from './recognised-credits.js';
import type { RecordReference } from './reference-data.js';

/** A recognised credit as a transcript line: what was granted, with the target catalogue item it names. */
export interface RecognisedEntry extends RecognisedCredit {
  title: { zh: string | null; en: string | null };
  item: { id: string; code: string; version: number; kind: string } | null;
}

export type RecognisedConversion = HomeValue & { recognisedCreditId: string };

/** Recognised credit totalled on its own: each credit rests on a source achievement the own totals already count. */
export interface RecognisedTotals {
  bySystem: { creditSystemId: string; credits: string; recognisedCredits: number }[];
  home: {
    creditSystemId: string; credits: string; conversions: RecognisedConversion[];
    notConverted: { recognisedCreditId: string; creditSystemId: string; reason: string }[];
  };
}

/** The line, and where it is grouped: under the target institution, at its target item's level and field. */
export function describeRecognised(c: RecognisedCredit, items: Map<string, CatalogueItem>) {
  const item = c.catalogueItemId ? items.get(c.catalogueItemId) : undefined;
  const entry: RecognisedEntry = {
    ...c,
    title: item ? item.title : { zh: null, en: null },
    item: item ? { id: item.id, code: item.code, version: item.version, kind: item.kind } : null,
  };
  // The item's notional hours are the basis only when the grant is exactly the item's credit.
  const sameAsItem = item !== undefined && item.credits !== null && item.creditSystemId === c.creditSystemId && new Decimal(item.credits).eq(c.credits);
  return { entry, level: item?.level ?? null, isced: item?.iscedCode ?? null, hours: sameAsItem ? item.notionalHours : null };
}

const counts = (c: RecognisedCredit) => c.status === 'active' && new Decimal(c.credits).gt(0);

/** Sums live recognised credits per credit system and in the home system; revoked ones only stay in history. */
export class RecognisedTally {
  private readonly bySystem = new Map<string, { credits: Decimal; n: number }>();
  private readonly conversions: RecognisedConversion[] = [];
  private readonly notConverted: RecognisedTotals['home']['notConverted'] = [];

  constructor(private readonly ref: RecordReference, private readonly home: string) {}

  add(c: RecognisedCredit, hours: string | null): void {
    if (!counts(c)) return;
    const s = this.bySystem.get(c.creditSystemId) ?? { credits: new Decimal(0), n: 0 };
    this.bySystem.set(c.creditSystemId, { credits: s.credits.plus(c.credits), n: s.n + 1 });
    const conv = toHome(c.creditSystemId, new Decimal(c.credits).toFixed(), hours, this.ref, this.home);
    if ('reason' in conv) this.notConverted.push({ recognisedCreditId: c.id, creditSystemId: c.creditSystemId, reason: conv.reason });
    else this.conversions.push({ recognisedCreditId: c.id, ...conv });
  }

  totals(): RecognisedTotals {
    const home = this.conversions.reduce((s, c) => s.plus(c.converted), new Decimal(0));
    return {
      bySystem: [...this.bySystem].map(([creditSystemId, v]) => ({ creditSystemId, credits: v.credits.toFixed(), recognisedCredits: v.n })),
      home: { creditSystemId: this.home, credits: home.toFixed(), conversions: this.conversions, notConverted: this.notConverted },
    };
  }
}
