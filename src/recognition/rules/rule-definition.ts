import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { DecimalString, IsoDate, PositiveInt, Strict, Uuid } from '../../http/schemas.js';

// The JSON a rule version stores in `definition`: the engine's rule types with exact decimals as
// strings and catalogue items named by (institution, code, version). Checked with TypeBox both at
// the HTTP edge and when a stored row is read back into the engine.

const KINDS = ['course', 'unit', 'module', 'micro-major', 'mooc', 'certificate', 'exam', 'qualification', 'work-based', 'rpl', 'other'] as const;
const Positive = Type.String({ pattern: '^\\d{1,6}(\\.\\d{1,4})?$', examples: ['8'] });
/** Above zero: a conversion step of 0 would divide by zero in every evaluation at the target. */
const AboveZero = Type.String({ pattern: '^(?!0+(\\.0+)?$)\\d{1,6}(\\.\\d{1,4})?$', examples: ['1'] });

export const RuleItemDef = Strict({
  institutionId: Uuid,
  code: Type.String({ minLength: 1, maxLength: 100 }),
  version: Type.Optional(PositiveInt({ description: 'absent: any version of the item' })),
  credits: Positive,
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
});

const LevelDef = Strict({
  frameworkId: Type.String({ minLength: 1, maxLength: 60 }),
  version: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'absent: any version of the framework compares directly' })),
  level: Type.Integer({ minimum: 1, maximum: 12 }),
});

export const ConditionsDef = Strict({
  minResult: Type.Optional(Strict({
    schemeId: Type.String({ minLength: 1 }), result: Type.String({ minLength: 1 }),
    conversionTableId: Type.Optional(Type.String({ minLength: 1 })),
  })),
  recency: Type.Optional(Strict({ years: Type.Integer({ minimum: 1, maximum: 100 }), referenceDate: Type.Optional(IsoDate) })),
  targetLevel: Type.Optional({ ...LevelDef, description: 'the level a source must reach; derived from the target side at publication when absent' }),
  reverseTargetLevel: Type.Optional({ ...LevelDef, description: 'for a bidirectional rule read back: the source side\'s level; derived at publication when absent' }),
  allowLowerLevel: Type.Optional(Type.Boolean({ description: 'explicit opt-out of the level constraint' })),
  prerequisites: Type.Optional(Type.Array(Strict({
    itemId: Type.Optional(Type.String({ description: '"<institutionId>:<code>"' })), achievementId: Type.Optional(Uuid),
  }), { maxItems: 20 })),
  waiverOnly: Type.Optional(Type.Boolean({ description: 'satisfies the requirement with 0 credits' })),
});

export const PatternDef = Strict({
  kinds: Type.Optional(Type.Array(Type.Union(KINDS.map((k) => Type.Literal(k))), { maxItems: 10 })),
  institutionIds: Type.Optional(Type.Array(Uuid, { maxItems: 200, description: 'Source institutions; for credentials imported from an external issuer, its trust-list entry id (GET /trusted-issuers)' })),
  platforms: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 50 })),
  minLevel: Type.Optional(LevelDef),
  fieldPrefix: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })),
  minCredits: Type.Optional(Strict({ amount: Positive, creditSystemId: Type.String({ minLength: 1 }) })),
  minHours: Type.Optional(Positive),
});

const common = {
  conditions: Type.Optional(ConditionsDef),
  maxCredits: Type.Optional(Positive),
};

export const EquivalencyDef = Strict({
  ...common,
  sources: Type.Array(RuleItemDef, { minItems: 1, maxItems: 20 }),
  targets: Type.Array(RuleItemDef, { minItems: 1, maxItems: 20 }),
  bidirectional: Type.Optional(Type.Boolean()),
});

export const BlockDef = Strict({
  ...common, pattern: PatternDef, credits: Positive, category: Type.String({ minLength: 1, maxLength: 60 }),
  targetItem: Type.Optional(RuleItemDef),
});

export const ConversionDef = Strict({
  ...common, pattern: PatternDef, step: AboveZero, category: Type.String({ minLength: 1, maxLength: 60 }),
  targetItem: Type.Optional(RuleItemDef),
});

/** Target policy published as a rule: credit system and caps (per source, per period, per programme). */
export const CapsDef = Strict({
  creditSystemId: Type.Optional(Type.String({ minLength: 1 })),
  programmeTotalCredits: Type.Optional(Positive),
  perSourceInstitution: Type.Optional(Positive),
  learnerPeriod: Type.Optional(Strict({ months: Type.Integer({ minimum: 1, maximum: 120 }), max: Positive })),
  programme: Type.Optional(Strict({
    max: Type.Optional(Positive),
    // A share of the programme: at most 1 (checked at publication), never over a zero denominator.
    fraction: Type.Optional(Type.String({ pattern: '^(0(\\.\\d{1,6})?|1|\\d{1,3}/(?!0+$)\\d{1,3})$', examples: ['1/3'] })),
  })),
});

export type RuleItemDef = Static<typeof RuleItemDef>;
export type ConditionsDef = Static<typeof ConditionsDef>;
export type PatternDef = Static<typeof PatternDef>;
export type EquivalencyDef = Static<typeof EquivalencyDef>;
export type BlockDef = Static<typeof BlockDef>;
export type ConversionDef = Static<typeof ConversionDef>;
export type CapsDef = Static<typeof CapsDef>;

export const RULE_KINDS = ['equivalency', 'block', 'conversion', 'caps'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export type RuleDefinition = EquivalencyDef | BlockDef | ConversionDef | CapsDef;

export const DEFINITION_SCHEMAS = { equivalency: EquivalencyDef, block: BlockDef, conversion: ConversionDef, caps: CapsDef } as const;

/** The compiled check of each kind's definition: at publication, and again when stored rows are read back into the engine. */
export const DEFINITION_VALIDATORS = Object.fromEntries(Object.entries(DEFINITION_SCHEMAS).map(([k, schema]) => [k, Compile(schema)])) as
  Record<RuleKind, ReturnType<typeof Compile>>;

/** The engine's item id for a catalogue item: codes are unique per institution, across versions. */
export const engineItemId = (institutionId: string, code: string): string => `${institutionId}:${code}`;

export const DecimalText = DecimalString;
