import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Programme } from './programme.js';

// An award stores its credit total as numeric(10,2): at most two places, and no programme comes near 10,000.
const Credits = Type.String({ pattern: '^[0-9]{1,4}(\\.[0-9]{1,2})?$', description: 'credits: up to 9999.99, at most two decimal places' });
const Fraction = Type.String({ pattern: '^(0(\\.[0-9]+)?|1(\\.0+)?)$' });
const Id = Type.String({ minLength: 1 });
const Ids = Type.Array(Id);
const strict = { additionalProperties: false } as const;
const LocalText = Type.Object({ en: Type.String({ minLength: 1 }), zh: Type.Optional(Type.String()), ko: Type.Optional(Type.String()) }, strict);

const Filter = Type.Object({
  sourceKinds: Type.Optional(Ids), providers: Type.Optional(Ids), catalogueItemIds: Type.Optional(Ids),
  tags: Type.Optional(Ids), atAwardingInstitution: Type.Optional(Type.Boolean()), viaRecognition: Type.Optional(Type.Boolean()),
}, strict);

const base = { id: Id, name: LocalText };
const Category = Type.Object({ ...base, kind: Type.Literal('category'), minCredits: Credits, maxCredits: Type.Optional(Credits), acceptsAny: Type.Optional(Type.Boolean()) }, strict);
const Minimum = Type.Object({ ...base, kind: Type.Literal('minimum'), filter: Filter, minCredits: Type.Optional(Credits), minFraction: Type.Optional(Fraction), fractionOf: Type.Optional(Id), scope: Type.Optional(Ids) }, strict);
const Required = Type.Object({ ...base, kind: Type.Literal('required'), catalogueItemIds: Ids, scope: Type.Optional(Ids) }, strict);
const Choice = Type.Object({ ...base, kind: Type.Literal('choice'), catalogueItemIds: Ids, choose: Type.Integer({ minimum: 1 }), scope: Type.Optional(Ids) }, strict);

const Cap = Type.Object({
  ...base, per: Type.Union(['all', 'provider', 'sourceKind', 'year', 'term'].map((v) => Type.Literal(v))),
  filter: Type.Optional(Filter), maxCredits: Type.Optional(Credits), maxFraction: Type.Optional(Fraction), fractionOf: Type.Optional(Id),
}, strict);

const Source = Type.Object({
  title: Type.String({ minLength: 1 }), url: Type.String({ pattern: '^https?://' }),
  publisher: Type.Optional(Type.String()), accessed: Type.Optional(Type.String()), confirms: Type.Array(Type.String()),
}, strict);

export const ProgrammeSchema = Type.Object({
  $schema: Type.Optional(Type.String()),
  id: Id, version: Id, name: LocalText, awardingInstitution: Id,
  frameworkLevel: Type.Object({ framework: Id, level: Id }, strict),
  creditSystem: Id, totalCredits: Credits,
  fieldOfStudy: Type.Optional(Type.String({ pattern: '^[0-9]{2}([0-9]{1,2})?$', description: 'ISCED-F 2013 field code (broad, narrow or detailed)' })),
  requirements: Type.Array(Type.Union([Category, Minimum, Required, Choice])),
  caps: Type.Array(Cap),
  recencyYears: Type.Optional(Type.Integer({ minimum: 1 })),
  termStartMonths: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 12 }), { minItems: 1 })),
  minimumResults: Type.Optional(Type.Array(Type.Object({ scheme: Id, result: Id, note: Type.Optional(Type.String()) }, strict))),
  sources: Type.Array(Source, { minItems: 1 }),
  notes: Type.Optional(Type.Array(Type.String())),
}, strict);

const compiled = Compile(ProgrammeSchema);

/** A programme file that is not valid; `path` is a JSON pointer into the file. */
export class ProgrammeFileError extends Error {
  readonly code = 'PROGRAMME_INVALID';
  constructor(readonly file: string, readonly path: string, readonly reason: string) {
    super(`${file}: ${path || '/'}: ${reason}`);
  }
}

/** Cross-field rules the schema cannot say: unique ids, known scopes, one limit per rule. */
function crossCheck(p: Programme, file: string): void {
  const ids = new Set<string>(['total']);
  const categories = new Set(p.requirements.filter((r) => r.kind === 'category').map((r) => r.id));
  p.requirements.forEach((r, i) => {
    const at = `/requirements/${i}`;
    if (ids.has(r.id)) throw new ProgrammeFileError(file, `${at}/id`, `duplicate requirement id ${r.id}`);
    ids.add(r.id);
    if (r.kind !== 'category') {
      const unknown = (r.scope ?? []).find((s) => !categories.has(s));
      if (unknown) throw new ProgrammeFileError(file, `${at}/scope`, `unknown category ${unknown}`);
    }
    if (r.kind === 'minimum' && r.fractionOf !== undefined && !categories.has(r.fractionOf)) {
      throw new ProgrammeFileError(file, `${at}/fractionOf`, `unknown category ${r.fractionOf}`);
    }
    if (r.kind === 'minimum' && (r.minCredits === undefined) === (r.minFraction === undefined)) {
      throw new ProgrammeFileError(file, at, 'give exactly one of minCredits and minFraction');
    }
  });
  p.caps.forEach((c, i) => {
    if (c.fractionOf !== undefined && !categories.has(c.fractionOf)) throw new ProgrammeFileError(file, `/caps/${i}/fractionOf`, `unknown category ${c.fractionOf}`);
    if ((c.maxCredits === undefined) === (c.maxFraction === undefined)) throw new ProgrammeFileError(file, `/caps/${i}`, 'give exactly one of maxCredits and maxFraction');
  });
}

/** Validates parsed JSON as a programme; throws ProgrammeFileError naming the file and field. */
export function parseProgramme(value: unknown, file: string): Programme {
  if (!compiled.Check(value)) {
    // The deepest error names the offending field; union failures also report at the parent.
    const first = compiled.Errors(value).filter((e) => e.keyword !== 'boolean')
      .sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0];
    throw new ProgrammeFileError(file, first?.instancePath ?? '', first?.message ?? 'invalid programme');
  }
  const programme = value as Programme;
  crossCheck(programme, file);
  return programme;
}
