import { Type } from 'typebox';
import { Nullable, Strict } from '../http/schemas.js';

export const IdentityInput = Type.Union([
  Strict({ type: Type.Literal('cn-resident'), number: Type.String({ minLength: 1, maxLength: 32, description: 'GB 11643-1999 resident identity number (15-digit legacy numbers are upgraded)' }) }),
  Strict({ type: Type.Literal('passport'), number: Type.String({ minLength: 1, maxLength: 32 }), country: Type.String({ pattern: '^[A-Z]{2}$' }) }),
]);

export const LearnerInput = Strict({
  identity: IdentityInput,
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Any Unicode, including supplementary-plane characters such as 𠮷; stored and returned exactly as given (never normalized)' }),
  nameLatin: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  did: Type.Optional(Type.String({ maxLength: 500, description: 'A DID the learner controls, used as credential subject' })),
});

export const Learner = Type.Object({
  id: Type.String(), name: Type.String(), nameLatin: Nullable(Type.String()), birthDate: Nullable(Type.String()),
  did: Nullable(Type.String()),
  identity: Type.Object({ type: Type.String(), country: Type.String(), masked: Type.String() }),
  createdAt: Type.String(),
});

export const RevealedIdentity = Type.Object({ type: Type.String(), country: Type.String(), number: Type.String() });
