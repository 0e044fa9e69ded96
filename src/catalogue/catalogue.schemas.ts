import { Type, type Static } from 'typebox';
import { DecimalString, IsoDate, Nullable, PageQuery, Strict } from '../http/schemas.js';
import { CATALOGUE_KINDS, DELIVERY_MODES, type CatalogueKind, type CompletionRule, type DeliveryMode } from './catalogue.types.js';

const Localised = Strict({ zh: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })), en: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) });
const Kind = Type.Union(CATALOGUE_KINDS.map((k) => Type.Literal(k)));
const Mode = Type.Union(DELIVERY_MODES.map((m) => Type.Literal(m)));

export const CompletionRuleSchema = Type.Union([
  Strict({ type: Type.Literal('all') }),
  Strict({ type: Type.Literal('n-of'), n: Type.Integer({ minimum: 1 }) }),
  Strict({ type: Type.Literal('min-credits'), credits: DecimalString }),
]);

export const CatalogueItemInput = Strict({
  code: Type.String({ pattern: '^\\S(.{0,62}\\S)?$', description: "The institution's own code, e.g. CS101" }),
  version: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: '1 for a new item; the next version publishes a change' })),
  kind: Kind,
  title: Strict({ zh: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), en: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }),
  level: Type.Optional(Strict({
    frameworkId: Type.String({ maxLength: 64 }),
    frameworkVersion: Type.Optional(Type.String({ maxLength: 64, description: 'Defaults to the most recently loaded version, which is then stored with the item' })),
    level: Type.Integer({ minimum: 1, maximum: 100 }),
  })),
  creditSystemId: Type.Optional(Type.String({ maxLength: 64 })),
  credits: Type.Optional(DecimalString),
  notionalHours: Type.Optional(DecimalString),
  iscedCode: Type.Optional(Type.String({ pattern: '^\\d{2,4}$', description: 'ISCED-F 2013 broad, narrow or detailed field' })),
  outcomes: Type.Optional(Type.Array(Localised, { maxItems: 100 })),
  language: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'BCP 47' })),
  mode: Type.Optional(Mode),
  gradingSchemeId: Type.String({ maxLength: 64 }),
  platform: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  completionRule: Type.Optional(CompletionRuleSchema),
  components: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 200, description: 'Catalogue item ids, or codes of this institution\'s items (latest version)' })),
  effectiveFrom: IsoDate,
  effectiveTo: Type.Optional(IsoDate),
});
// Written out rather than Static<>: typebox infers template-literal types from `pattern`, which
// turns the code and language fields into types no string literal satisfies.
export interface CatalogueItemInput {
  code: string; version?: number; kind: CatalogueKind; title: { zh?: string; en?: string };
  level?: { frameworkId: string; frameworkVersion?: string; level: number };
  creditSystemId?: string; credits?: string; notionalHours?: string; iscedCode?: string;
  outcomes?: { zh?: string; en?: string }[]; language?: string; mode?: DeliveryMode; gradingSchemeId: string;
  platform?: string; completionRule?: CompletionRule; components?: string[]; effectiveFrom: string; effectiveTo?: string;
}

const LocalisedOut = Type.Object({ zh: Type.Optional(Type.String()), en: Type.Optional(Type.String()) });

export const CatalogueItemSchema = Type.Object({
  id: Type.String(), institutionId: Type.String(), code: Type.String(), version: Type.Integer(), kind: Type.String(),
  title: Type.Object({ zh: Nullable(Type.String()), en: Nullable(Type.String()) }),
  level: Nullable(Type.Object({ frameworkId: Type.String(), frameworkVersion: Type.String(), level: Type.Integer() })),
  creditSystemId: Nullable(Type.String()), credits: Nullable(Type.String()), notionalHours: Nullable(Type.String()),
  iscedCode: Nullable(Type.String()), outcomes: Type.Array(LocalisedOut), language: Nullable(Type.String()),
  mode: Nullable(Type.String()), gradingSchemeId: Type.String(), platform: Nullable(Type.String()),
  completionRule: Nullable(Type.Object({ type: Type.String(), n: Type.Optional(Type.Integer()), credits: Type.Optional(Type.String()) })),
  components: Nullable(Type.Array(Type.String())),
  effectiveFrom: Type.String(), effectiveTo: Nullable(Type.String()), retiredAt: Nullable(Type.String()),
  retiredReason: Type.Optional(Nullable(Type.String())), createdAt: Type.String(),
});

export const CatalogueItemDetail = Type.Object({
  item: CatalogueItemSchema,
  versions: Type.Array(Type.Object({ id: Type.String(), version: Type.Integer(), effectiveFrom: Type.String(), effectiveTo: Nullable(Type.String()), retiredAt: Nullable(Type.String()), createdAt: Type.String() })),
  components: Nullable(Type.Array(CatalogueItemSchema)),
});

export const CatalogueQuery = Strict({
  institution: Type.Optional(Type.String({ format: 'uuid' })),
  kind: Type.Optional(Kind),
  framework: Type.Optional(Type.String({ maxLength: 64 })),
  frameworkVersion: Type.Optional(Type.String({ maxLength: 64 })),
  level: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  field: Type.Optional(Type.String({ pattern: '^\\d{2,4}$', description: 'ISCED-F code prefix: 06 matches 061, 0613, ...' })),
  creditSystem: Type.Optional(Type.String({ maxLength: 64 })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Substring of the code or the Chinese or English title' })),
  includeRetired: Type.Optional(Type.Boolean({ default: false })),
  allVersions: Type.Optional(Type.Boolean({ default: false, description: 'Every version, not only the latest of each code' })),
  ...PageQuery,
});
export type CatalogueQuery = Static<typeof CatalogueQuery>;

export const CataloguePage = Type.Object({ items: Type.Array(CatalogueItemSchema), nextCursor: Nullable(Type.String()) });

export const RetireInput = Strict({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });

export const LineResult = Type.Object({
  line: Type.Integer(), status: Type.Union([Type.Literal('accepted'), Type.Literal('existing'), Type.Literal('rejected')]),
  id: Type.Optional(Type.String()), code: Type.Optional(Type.String()), version: Type.Optional(Type.Integer()),
  problem: Type.Optional(Type.String({ description: 'Stable problem code of a rejected line' })),
  errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() }))),
});

export const BatchResult = Type.Object({
  summary: Type.Object({ lines: Type.Integer(), accepted: Type.Integer(), existing: Type.Integer(), rejected: Type.Integer() }),
  results: Type.Array(LineResult),
});
