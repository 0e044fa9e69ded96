import { Type } from 'typebox';
import { DecimalString, Nullable, Strict } from '../http/schemas.js';

const Name = Type.Object({ en: Type.String(), zh: Type.Optional(Type.String()) });
const Source = Type.Object({ title: Type.String(), url: Type.Optional(Type.String()), date: Type.String(), publisher: Type.Optional(Type.String()) });
const Version = Type.Object({ version: Type.String(), loadedAt: Type.String() });
const LevelRef = Type.Object({ framework: Type.String(), version: Type.String(), level: Type.Integer() });

export const CreditSystem = Type.Object({
  id: Type.String(), name: Name, hoursPerCredit: Nullable(Type.Object({ min: Type.String(), max: Type.String() })),
  unit: Type.String(), hoursKind: Type.Optional(Type.String()), fullTimeYear: Type.Optional(Type.String()),
  sources: Type.Array(Source), note: Type.Optional(Type.String()),
});

export const FrameworkSummary = Type.Object({
  id: Type.String(), version: Type.String(), name: Name, levels: Type.Integer(),
  creditSystem: Nullable(Type.String()), versions: Type.Array(Version),
});

export const FrameworkDetail = Type.Object({
  id: Type.String(), version: Type.String(), name: Name, sources: Type.Array(Source),
  domains: Type.Array(Type.Object({ id: Type.String(), name: Name })),
  levels: Type.Array(Type.Object({ level: Type.Integer(), descriptors: Type.Record(Type.String(), Type.String()), typicalQualifications: Type.Optional(Type.Array(Type.String())) })),
  creditSystem: Nullable(CreditSystem), creditNote: Type.Optional(Type.String()), notes: Type.Optional(Type.Array(Type.String())),
  versions: Type.Array(Version),
});

const Hop = Type.Object({ from: LevelRef, to: LevelRef, status: Type.String(), reversed: Type.Boolean(), source: Source, note: Type.String() });
export const EquivalentsResponse = Type.Object({
  query: LevelRef, found: Type.Boolean(),
  equivalents: Type.Optional(Type.Array(Type.Object({
    framework: Type.String(), version: Type.String(), level: Type.Integer(), status: Type.String(),
    via: Type.String(), hops: Type.Array(Hop), note: Type.String(),
  }))),
  reason: Type.Optional(Type.String({ description: '"no published mapping": the service never guesses a level, nor chains two mappings' })),
  detail: Type.Optional(Type.String()),
  studies: Type.Optional(Type.Array(Type.Object({ frameworks: Type.Array(Type.String()), status: Type.String(), source: Source, note: Type.String() }))),
});

export const GradingScheme = Type.Object({
  id: Type.String(), name: Name, kind: Type.String(), min: Type.Optional(Type.String()), max: Type.Optional(Type.String()),
  pass: Type.Optional(Type.String()), grades: Type.Optional(Type.Array(Type.Object({ code: Type.String(), label: Name, passing: Type.Boolean() }))),
  source: Type.String(),
});

const Field = Type.Object({ code: Type.String(), name: Name });
export const FieldsOfStudy = Type.Object({
  id: Type.String(), version: Type.String(), name: Name, sources: Type.Array(Source), notes: Type.Optional(Type.Array(Type.String())),
  broad: Type.Array(Type.Object({ code: Type.String(), name: Name, narrow: Type.Array(Type.Object({ code: Type.String(), name: Name, detailed: Type.Array(Field) })) })),
});

export const ConvertInput = Strict({
  amount: DecimalString, from: Type.String({ maxLength: 64 }), to: Type.String({ maxLength: 64 }),
  step: Type.Optional(DecimalString), hours: Type.Optional(DecimalString),
});
export const ConvertResult = Type.Object({
  credits: Type.String(), unrounded: Type.String(), hours: Type.String(), basis: Type.String(),
  from: Type.String(), to: Type.String(), step: Type.String(),
});

export const LoadResult = Type.Object({
  added: Type.Array(Type.Object({ kind: Type.String(), key: Type.String(), source: Type.String() })),
  unchanged: Type.Integer(),
});

/** Any framework data document; its own schema (by `kind`) is applied by the service, closed objects included. */
export const FrameworkDocumentInput = Type.Object({ kind: Type.String() }, { additionalProperties: true, description: 'A document of kind framework, credit-systems, level-mappings, grading-schemes, grade-conversions or isced-f' });
