import { Type, type Static } from 'typebox';

/**
 * How a learner's record maps onto a programme's requirements: the engine sees category ids,
 * tags and source kinds; the record holds catalogue items, institutions and ISCED-F fields. An
 * awarding institution publishes this beside each programme version (the "standard curriculum").
 */
const Ids = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 2000 });

/** Every given field must match (AND); a list matches when the record item's value is in it. */
export const RecordMatch = Type.Object({
  /** Providing institutions by slug. */
  institutions: Type.Optional(Ids),
  /** Catalogue references "<institution slug>:<code>" (any version of the item). */
  codes: Type.Optional(Ids),
  /** Catalogue kinds (course, mooc, certificate, ...) or non-catalogue sources (rpl, work-based, ...). */
  kinds: Type.Optional(Ids),
  /** ISCED-F code prefixes: "06" matches 0613. */
  fields: Type.Optional(Ids),
}, { additionalProperties: false });
export type RecordMatch = Static<typeof RecordMatch>;

export const ProgrammeMapping = Type.Object({
  /** Each matching rule adds its `to` (category ids, requirement ids or tags) to the item's eligibility. */
  eligibility: Type.Array(Type.Object({ match: RecordMatch, to: Ids }, { additionalProperties: false }), { maxItems: 500 }),
  /** The engine's source kind of an item; first match wins, else the catalogue kind or learning source. */
  sourceKinds: Type.Optional(Type.Array(Type.Object({ match: RecordMatch, kind: Type.String({ minLength: 1 }) }, { additionalProperties: false }), { maxItems: 100 })),
  /** Groups of catalogue references that are the same subject: at most one of each group counts. */
  duplicates: Type.Optional(Type.Array(Type.Object({ key: Type.String({ minLength: 1 }), codes: Ids }, { additionalProperties: false }), { maxItems: 2000 })),
  /** Where suggestions for missing credit come from; default: every current item in the programme's credit system. */
  candidates: Type.Optional(RecordMatch),
}, { additionalProperties: false });
export type ProgrammeMapping = Static<typeof ProgrammeMapping>;

export const EMPTY_MAPPING: ProgrammeMapping = { eligibility: [] };

/** The facts of one record item (achievement, recognised credit or catalogue candidate) a match reads. */
export interface RecordFacts { institution: string; code: string | null; kind: string; field: string | null }

export function matches(m: RecordMatch, f: RecordFacts): boolean {
  if (m.institutions && !m.institutions.includes(f.institution)) return false;
  if (m.codes && !(f.code !== null && m.codes.includes(f.code))) return false;
  if (m.kinds && !m.kinds.includes(f.kind)) return false;
  if (m.fields && !(f.field !== null && m.fields.some((p) => f.field!.startsWith(p)))) return false;
  return true;
}

/** Categories / tags the item may count toward. */
export function eligibilityOf(mapping: ProgrammeMapping, f: RecordFacts): string[] {
  return [...new Set(mapping.eligibility.filter((r) => matches(r.match, f)).flatMap((r) => r.to))];
}

export function sourceKindOf(mapping: ProgrammeMapping, f: RecordFacts): string {
  return mapping.sourceKinds?.find((r) => matches(r.match, f))?.kind ?? f.kind;
}

export function duplicateKeyOf(mapping: ProgrammeMapping, code: string | null): string | undefined {
  if (code === null) return undefined;
  return mapping.duplicates?.find((d) => d.codes.includes(code))?.key;
}
