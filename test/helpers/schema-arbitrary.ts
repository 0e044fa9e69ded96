import fc from 'fast-check';

/**
 * fast-check arbitraries for the JSON Schemas of our routes (the subset TypeBox emits: type, enum,
 * const, anyOf/oneOf, properties/required/additionalProperties, items with min/max/uniqueItems,
 * string length, pattern and format, number bounds). Values are meant to pass the route's schema most
 * of the time, so requests reach the services; `pick` lets a caller put real identifiers into fields
 * by name.
 */
export type Schema = Record<string, any>;
export interface SchemaArbOptions {
  /** Values for a string field of this name (e.g. real ids for `institutionId`), or undefined. */
  pick?: (name: string | undefined, schema: Schema) => fc.Arbitrary<string> | undefined;
  maxDepth?: number;
}

const TEXT = fc.oneof(
  { weight: 10, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 5, arbitrary: fc.constantFrom('计算机基础', '學分', '𠮷云', 'Data Science', ' ', 'a'.repeat(3)) },
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  // Names of Object.prototype members: a lookup in a plain object by such a key finds the prototype's.
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf') },
  // Text PostgreSQL refuses in text and jsonb (NUL) and a lone UTF-16 surrogate; rare, or every
  // body would stop at that check.
  { weight: 1, arbitrary: fc.constantFrom('a\u0000b', '\u0000', 'x\ud800', '\udfff') },
);

/** Values at the edges that a pattern may let through: signs, many digits or places, zero, dates at the ends of the calendar. */
export const EXTREME_STRINGS = ['1', '8', '0.5', '12.25', '-5', '-0', '0', '00', '0.0001', '2.345', '123456789', '99999999.99', '999999999.9999', '1000.01',
  '0001-01-01', '9999-12-31', '2024-02-30', '1/0', '0/0', '999/1', '1e5', 'NaN', 'Infinity'];
const EXTREME_DATES = ['0001-01-01', '1900-01-01', '9999-12-31', '2024-02-29'];

const DAY = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true });

function stringArb(schema: Schema, name: string | undefined, opts: SchemaArbOptions): fc.Arbitrary<string> {
  const picked = opts.pick?.(name, schema);
  if (picked) return picked;
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, Math.max(min, 40));
  switch (schema.format) {
    case 'uuid': return fc.uuid();
    case 'date': return fc.oneof({ weight: 5, arbitrary: DAY.map((d) => d.toISOString().slice(0, 10)) }, { weight: 1, arbitrary: fc.constantFrom(...EXTREME_DATES) });
    case 'date-time': return fc.oneof({ weight: 5, arbitrary: DAY.map((d) => d.toISOString()) }, { weight: 1, arbitrary: fc.constantFrom(...EXTREME_DATES.map((d) => `${d}T00:00:00Z`)) });
    case 'uri': return fc.oneof(fc.webUrl(), fc.constant('did:web:example.org'), fc.constant('urn:uuid:00000000-0000-4000-8000-000000000000'));
    case 'email': return fc.emailAddress();
    default: break;
  }
  if (typeof schema.pattern === 'string') {
    const re = new RegExp(schema.pattern);
    const fits = (s: string) => s.length >= min && s.length <= (schema.maxLength ?? Infinity) && re.test(s);
    const extremes = EXTREME_STRINGS.filter(fits);
    let matching: fc.Arbitrary<string> | undefined;
    try {
      matching = fc.stringMatching(re).filter(fits);
    } catch { /* a pattern fast-check cannot generate from (a look-ahead): its edge values, else free text */ }
    if (matching && extremes.length) return fc.oneof({ weight: 3, arbitrary: matching }, { weight: 1, arbitrary: fc.constantFrom(...extremes) });
    if (matching || extremes.length) return matching ?? fc.constantFrom(...extremes);
  }
  // Now and then the longest text allowed (3 UTF-8 bytes a character), or 3,000 characters where no
  // limit is set: an indexed column refuses a key over 2,704 bytes.
  const longest = fc.constantFrom('學', 'a').map((c) => c.repeat(schema.maxLength ?? 3000));
  return fc.oneof(
    { weight: 9, arbitrary: TEXT.chain((s) => (s.length >= min && s.length <= max ? fc.constant(s) : fc.string({ minLength: min, maxLength: max }))) },
    { weight: 1, arbitrary: longest },
  );
}

function numberArb(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -5);
  const hi = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : Math.max(lo, 0) + 1000);
  const inRange = integer ? fc.integer({ min: Math.ceil(lo), max: Math.floor(Math.max(lo, hi)) }) : fc.double({ min: lo, max: Math.max(lo, hi), noNaN: true, noDefaultInfinity: true });
  // Beyond what a 4-byte integer column holds, and beyond exact doubles, where the schema allows.
  const edges = [2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, 1e21, -(2 ** 31) - 1].filter((v) => v >= (schema.minimum ?? -Infinity) && v <= (schema.maximum ?? Infinity));
  return edges.length ? fc.oneof({ weight: 6, arbitrary: inRange }, { weight: 1, arbitrary: fc.constantFrom(...edges) }) : inRange;
}

export function schemaArbitrary(schema: Schema | undefined, opts: SchemaArbOptions = {}, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || typeof schema !== 'object') return fc.jsonValue({ maxDepth: 2 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((s: Schema) => schemaArbitrary(s, opts, name, depth)));
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return schemaArbitrary(schema.allOf[0], opts, name, depth);
  const type = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : undefined;
  if (type && type.length > 1) return fc.oneof(...type.map((t: string) => schemaArbitrary({ ...schema, type: t }, opts, name, depth)));
  const deep = depth >= (opts.maxDepth ?? 6);
  switch (type?.[0]) {
    case 'string': return stringArb(schema, name, opts);
    case 'integer': return numberArb(schema, true);
    case 'number': return numberArb(schema, false);
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'array': {
      const item = schemaArbitrary(schema.items, opts, name?.replace(/s$/, ''), depth + 1);
      const minLength = schema.minItems ?? 0;
      const maxLength = deep ? minLength : Math.max(minLength, Math.min(schema.maxItems ?? 4, 4));
      return schema.uniqueItems
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(item, { minLength, maxLength });
    }
    case 'object': case undefined: {
      const props: Record<string, Schema> = schema.properties ?? {};
      if (!type && Object.keys(props).length === 0) return fc.jsonValue({ maxDepth: 2 });
      const required: string[] = schema.required ?? [];
      const shape = Object.fromEntries(Object.entries(props)
        .filter(([k]) => !deep || required.includes(k))
        .map(([k, s]) => [k, schemaArbitrary(s, opts, k, depth + 1)]));
      const base = fc.record(shape, { requiredKeys: required.filter((k) => k in shape) });
      if (schema.additionalProperties === false || Object.keys(props).length > 0) return base;
      const extra = typeof schema.additionalProperties === 'object' ? schemaArbitrary(schema.additionalProperties, opts, undefined, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      return fc.tuple(base, fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), extra, { maxKeys: 3 })).map(([a, b]) => ({ ...b, ...a }));
    }
    default: return fc.jsonValue({ maxDepth: 2 });
  }
}
