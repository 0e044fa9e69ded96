import Type from 'typebox';

// Shapes of the JSON files under frameworks/. Every file carries a `kind` so the loader can
// dispatch on content rather than on file names. Objects are closed: a misspelt field is an error.

const closed = { additionalProperties: false } as const;
const Text = Type.String({ minLength: 1 });
const Id = Type.String({ pattern: '^[a-z][a-z0-9-]*$' });
/** Non-negative decimal in plain notation: credits, hours, marks. */
const DecimalText = Type.String({ pattern: '^\\d+(\\.\\d+)?$' });

export const LocalizedName = Type.Object({ en: Text, zh: Type.Optional(Text) }, closed);

export const Source = Type.Object(
  {
    title: Text,
    url: Type.Optional(Type.String({ pattern: '^https?://' })),
    date: Text, // free text: publication date, or "accessed 2025" for living web pages
    publisher: Type.Optional(Text),
  },
  closed,
);

const Sources = Type.Array(Source, { minItems: 1 });

export const FrameworkLevel = Type.Object(
  {
    level: Type.Integer({ minimum: 1 }),
    descriptors: Type.Record(Type.String(), Text),
    typicalQualifications: Type.Optional(Type.Array(Text)),
  },
  closed,
);

export const FrameworkFile = Type.Object(
  {
    kind: Type.Literal('framework'),
    id: Id,
    version: Text,
    name: LocalizedName,
    sources: Sources,
    domains: Type.Array(Type.Object({ id: Type.String({ pattern: '^[a-zA-Z]+$' }), name: LocalizedName }, closed), { minItems: 1 }),
    levels: Type.Array(FrameworkLevel, { minItems: 1 }),
    // id of an entry in a credit-systems file, or null when the framework publishes none
    creditSystem: Type.Union([Id, Type.Null()]),
    creditNote: Type.Optional(Text),
    notes: Type.Optional(Type.Array(Text)),
  },
  closed,
);

export const HourRange = Type.Object({ min: DecimalText, max: DecimalText }, closed);

export const CreditSystemEntry = Type.Object(
  {
    id: Id,
    name: LocalizedName,
    // null when the system defines credit without hours (ECVET points per year)
    hoursPerCredit: Type.Union([HourRange, Type.Null()]),
    unit: Text,
    hoursKind: Type.Optional(Type.Union([Type.Literal('notional'), Type.Literal('contact')])),
    fullTimeYear: Type.Optional(DecimalText), // credits in one full-time year, where defined
    sources: Sources,
    note: Type.Optional(Text),
  },
  closed,
);

export const CreditSystemsFile = Type.Object(
  { kind: Type.Literal('credit-systems'), creditSystems: Type.Array(CreditSystemEntry) },
  closed,
);

export const LevelRef = Type.Object({ framework: Id, version: Text, level: Type.Integer({ minimum: 1 }) }, closed);
export const MappingStatus = Type.Union([Type.Literal('official'), Type.Literal('provisional')]);

export const LevelMapping = Type.Object(
  {
    from: LevelRef,
    to: LevelRef,
    status: MappingStatus,
    direction: Type.Union([Type.Literal('bidirectional'), Type.Literal('one-way')]),
    source: Source,
    note: Text,
  },
  closed,
);

/** A published comparison between two frameworks whose level pairs are not (yet) recorded. */
export const ReferencingStudy = Type.Object(
  { frameworks: Type.Array(Id, { minItems: 2, maxItems: 2 }), status: MappingStatus, source: Source, note: Text },
  closed,
);

export const LevelMappingsFile = Type.Object(
  { kind: Type.Literal('level-mappings'), mappings: Type.Array(LevelMapping), studies: Type.Array(ReferencingStudy) },
  closed,
);

export const GradingSchemeEntry = Type.Object(
  {
    id: Id,
    name: LocalizedName,
    kind: Type.Union([Type.Literal('numeric'), Type.Literal('ordinal')]),
    min: Type.Optional(DecimalText),
    max: Type.Optional(DecimalText),
    pass: Type.Optional(DecimalText),
    grades: Type.Optional(
      Type.Array(Type.Object({ code: Text, label: LocalizedName, passing: Type.Boolean() }, closed), { minItems: 1 }),
    ),
    source: Text,
  },
  closed,
);

export const GradingSchemesFile = Type.Object(
  { kind: Type.Literal('grading-schemes'), gradingSchemes: Type.Array(GradingSchemeEntry) },
  closed,
);

const NumericBand = Type.Object({ min: DecimalText, max: Type.Optional(DecimalText) }, closed);
const GradeBand = Type.Object({ grade: Text }, closed);

export const GradeConversionEntry = Type.Object(
  {
    id: Id,
    from: Id,
    to: Id,
    example: Type.Boolean(), // true: illustrative or institution-specific, not a published standard table
    source: Text,
    bands: Type.Array(
      Type.Object(
        { from: Type.Union([NumericBand, GradeBand]), to: Text, toBand: Type.Optional(NumericBand) },
        closed,
      ),
      { minItems: 1 },
    ),
  },
  closed,
);

export const GradeConversionsFile = Type.Object(
  { kind: Type.Literal('grade-conversions'), gradeConversions: Type.Array(GradeConversionEntry) },
  closed,
);

const IscedDetailed = Type.Object({ code: Type.String({ pattern: '^\\d{4}$' }), name: LocalizedName }, closed);
const IscedNarrow = Type.Object(
  { code: Type.String({ pattern: '^\\d{3}$' }), name: LocalizedName, detailed: Type.Array(IscedDetailed, { minItems: 1 }) },
  closed,
);
const IscedBroad = Type.Object(
  { code: Type.String({ pattern: '^\\d{2}$' }), name: LocalizedName, narrow: Type.Array(IscedNarrow, { minItems: 1 }) },
  closed,
);

export const IscedFile = Type.Object(
  {
    kind: Type.Literal('isced-f'),
    id: Id,
    version: Text,
    name: LocalizedName,
    sources: Sources,
    notes: Type.Optional(Type.Array(Text)),
    broad: Type.Array(IscedBroad, { minItems: 1 }),
  },
  closed,
);

export type Source = Type.Static<typeof Source>;
export type FrameworkFile = Type.Static<typeof FrameworkFile>;
export type CreditSystemEntry = Type.Static<typeof CreditSystemEntry>;
export type LevelRef = Type.Static<typeof LevelRef>;
export type LevelMapping = Type.Static<typeof LevelMapping>;
export type ReferencingStudy = Type.Static<typeof ReferencingStudy>;
export type GradingSchemeEntry = Type.Static<typeof GradingSchemeEntry>;
export type GradeConversionEntry = Type.Static<typeof GradeConversionEntry>;
export type IscedFile = Type.Static<typeof IscedFile>;

/** Schema for each `kind` a data file may declare. */
export const FILE_SCHEMAS = {
  framework: FrameworkFile,
  'credit-systems': CreditSystemsFile,
  'level-mappings': LevelMappingsFile,
  'grading-schemes': GradingSchemesFile,
  'grade-conversions': GradeConversionsFile,
  'isced-f': IscedFile,
} as const;

export type FileKind = keyof typeof FILE_SCHEMAS;
export type CreditSystemsFile = Type.Static<typeof CreditSystemsFile>;
export type LevelMappingsFile = Type.Static<typeof LevelMappingsFile>;
export type GradingSchemesFile = Type.Static<typeof GradingSchemesFile>;
export type GradeConversionsFile = Type.Static<typeof GradeConversionsFile>;
