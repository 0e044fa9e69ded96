import { Type } from 'typebox';
import { INSTITUTION_SCOPES } from '../auth/principal.js';
import { Nullable, Strict } from '../http/schemas.js';
import { INSTITUTION_KINDS } from './institutions.service.js';

export const InstitutionInput = Strict({
  name: Strict({ zh: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), en: Type.String({ minLength: 1, maxLength: 200 }) }),
  kind: Type.Union(INSTITUTION_KINDS.map((k) => Type.Literal(k))),
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  regionCode: Type.Optional(Type.String({ description: 'GB/T 2260 administrative division code (six digits)' })),
  uscc: Type.Optional(Type.String({ description: 'Unified social credit code (统一社会信用代码), checked with its check character' })),
  slug: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,47}$' })),
});

export const Institution = Type.Object({
  id: Type.String(), slug: Type.String(),
  name: Type.Object({ zh: Nullable(Type.String()), en: Type.String() }),
  kind: Type.String(), country: Type.String(), regionCode: Nullable(Type.String()), uscc: Nullable(Type.String()),
  did: Type.String(), status: Type.String(), createdAt: Type.String(),
});

export const ClientInput = Strict({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  scopes: Type.Optional(Type.Array(Type.Union(INSTITUTION_SCOPES.map((s) => Type.Literal(s))), { uniqueItems: true, minItems: 1 })),
});

export const ClientView = Type.Object({
  clientId: Type.String(), name: Type.String(), scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }), revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const ClientRevocationInput = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });

export const ClientCreated = Type.Object({
  clientId: Type.String(), clientSecret: Type.String({ description: 'Shown once; stored only as a salted hash' }),
  institutionId: Type.String(), scopes: Type.Array(Type.String()), name: Type.String(),
});
