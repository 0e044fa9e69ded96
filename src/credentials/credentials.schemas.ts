import { Type } from 'typebox';
import { Strict } from '../http/schemas.js';

const AnyObject = Type.Object({}, { additionalProperties: true });
export const SignedCredentialSchema = Type.Union([AnyObject, Type.String({ description: 'compact JWS (application/vc+jwt)' })]);

const IssueOptions = Strict({
    proofFormat: Type.Optional(Type.Union(['ldp_vc', 'vc+jwt', 'application/vc+jwt', 'jwt_vc', 'jwt'].map((f) => Type.Literal(f)),
      { description: 'ldp_vc (Data Integrity, the default) or vc+jwt (also written application/vc+jwt, jwt_vc, jwt); any other value is refused rather than silently given the default' })),
    cryptosuite: Type.Optional(Type.Union([Type.Literal('eddsa-rdfc-2022'), Type.Literal('eddsa-jcs-2022')])),
    credentialStatus: Type.Optional(Strict({
      type: Type.Literal('BitstringStatusListEntry'),
      statusPurpose: Type.Optional(Type.Array(Type.Union([Type.Literal('revocation'), Type.Literal('suspension')]), { uniqueItems: true })),
    })),
});
export const IssueBody = Strict({ credential: AnyObject, options: Type.Optional(IssueOptions) });
export const BatchBody = Strict({
  items: Type.Array(Strict({ credential: AnyObject, options: Type.Optional(IssueOptions) }), { minItems: 1, maxItems: 5000 }),
});
export const BatchResponse = Type.Object({
  issued: Type.Integer(), created: Type.Integer(),
  items: Type.Array(Type.Object({ id: Type.String(), created: Type.Boolean(), verifyUrl: Type.String(), verifiableCredential: SignedCredentialSchema })),
});
export const IssueResponse = Type.Object({ verifiableCredential: SignedCredentialSchema });

export const StatusBody = Strict({
  action: Type.Union([Type.Literal('revoke'), Type.Literal('suspend'), Type.Literal('unsuspend')]),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
});
export const StatusResponse = Type.Object({ id: Type.String(), status: Type.String(), changed: Type.Boolean() });

export const VerifyCredentialBody = Strict({
  verifiableCredential: SignedCredentialSchema,
  options: Type.Optional(Type.Object({}, { additionalProperties: true })),
});
export const VerifyPresentationBody = Strict({
  verifiablePresentation: SignedCredentialSchema,
  options: Type.Optional(Strict({ challenge: Type.Optional(Type.String()), domain: Type.Optional(Type.String()) })),
});

const Check = Type.Object({ check: Type.String(), status: Type.String(), code: Type.Optional(Type.String()), message: Type.String() });
const Note = Type.Object({ check: Type.String(), code: Type.Optional(Type.String()), message: Type.String() });
export const VerificationReportSchema = Type.Object({
  verified: Type.Boolean(), reason: Type.Optional(Type.String()),
  checks: Type.Array(Type.String()), warnings: Type.Array(Note), errors: Type.Array(Note),
  results: Type.Array(Check), summary: AnyObject, credential: Type.Optional(AnyObject),
}, { additionalProperties: true });

export const KeyViewSchema = Type.Object({
  keyId: Type.String(), verificationMethod: Type.String(), status: Type.String(), createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]), revocationReason: Type.Union([Type.String(), Type.Null()]),
});
export const RevokeKeyBody = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });
export const DidDocumentSchema = Type.Object({ id: Type.String() }, { additionalProperties: true });
