import { Type, type TProperties, type TSchema } from 'typebox';

/** Input objects reject unknown fields (Ajv runs with removeAdditional: false). */
export const Strict = <T extends TProperties>(props: T, opts: Record<string, unknown> = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

export const Uuid = Type.String({ format: 'uuid' });
export const IsoDateTime = Type.String({ format: 'date-time' });
export const IsoDate = Type.String({ format: 'date' });
/** Exact decimals travel as strings, e.g. "7.5"; credits are never binary floats. */
export const DecimalString = Type.String({ pattern: '^-?\\d{1,9}(\\.\\d{1,4})?$', examples: ['7.5'] });
/** A decimal that cannot be negative: an amount of credits or hours someone describes. */
export const NonNegativeDecimal = Type.String({ pattern: '^\\d{1,9}(\\.\\d{1,4})?$', examples: ['7.5'] });
/** A version number or count that meets a 4-byte integer column: larger ones are a 400, not a database error. */
export const PositiveInt = (opts: Record<string, unknown> = {}) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, ...opts });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  code: Type.String(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  requestId: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() }))),
}, { additionalProperties: true, $id: 'Problem' });

export const IdParams = Strict({ id: Uuid });
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
};

/** Problem responses every route may return, for the OpenAPI document. */
export const problemResponses = {
  400: Type.Ref('Problem'), 401: Type.Ref('Problem'), 403: Type.Ref('Problem'), 404: Type.Ref('Problem'),
  409: Type.Ref('Problem'), 422: Type.Ref('Problem'),
};
