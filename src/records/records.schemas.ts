import { Type } from 'typebox';
import { IdentityInput } from '../learners/learners.schemas.js';
import { DecimalString, IsoDate, Nullable, PositiveInt, Strict, Uuid } from '../http/schemas.js';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Localised = Strict({ zh: Type.Optional(Text(500)), en: Type.Optional(Text(500)) });
const LevelRef = Strict({ frameworkId: Text(50), frameworkVersion: Text(50), level: Type.Integer({ minimum: 1, maximum: 20 }) });

export const EvidenceInput = Strict({
  url: Type.String({ format: 'uri', pattern: '^https://', maxLength: 2000, description: 'Where the evidence can be fetched (https)' }),
  sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the evidence file, hex' }),
});

export const LearningInput = Strict({
  source: Type.Union([Type.Literal('verified-certificate'), Type.Literal('work-based'), Type.Literal('rpl')]),
  title: Localised,
  level: Type.Optional(LevelRef),
  iscedCode: Type.Optional(Type.String({ pattern: '^\\d{2,4}$' })),
  creditSystemId: Type.Optional(Text(50)),
  gradingSchemeId: Type.Optional(Text(50)),
  provenance: Strict({
    issuer: Text(300), method: Text(300), reference: Type.Optional(Text(300)), verifiedOn: Type.Optional(IsoDate),
  }),
}, { description: 'Learning outside the catalogue (verified certificate, work-based outcome, RPL assessment)' });

const contentFields = {
  catalogueItemId: Type.Optional(Uuid),
  learning: Type.Optional(LearningInput),
  result: Type.Optional(Text(50)),
  credits: Type.Optional(DecimalString),
  completedOn: IsoDate,
  term: Type.Optional(Text(50)),
  assessmentMode: Type.Optional(Text(100)),
  evidence: Type.Optional(EvidenceInput),
};

export const DepositBody = Strict({
  externalId: Text(200),
  ...contentFields,
  institutionId: Type.Optional(Uuid),
});

/** One NDJSON line of a batch: a deposit plus the learner, by id or by identity. */
export const BatchLine = Strict({
  externalId: Text(200),
  ...contentFields,
  institutionId: Type.Optional(Uuid),
  learnerId: Type.Optional(Uuid),
  identity: Type.Optional(IdentityInput),
});

export const CorrectionBody = Strict({ ...contentFields, supersedes: PositiveInt(), reason: Text(1000) });
export const RevocationBody = Strict({ reason: Text(1000) });

const Content = Type.Object({
  catalogueItemId: Nullable(Type.String()), learning: Nullable(Type.Any()), result: Nullable(Type.String()),
  credits: Nullable(Type.String()), creditSystemId: Nullable(Type.String()), completedOn: Type.String(),
  term: Nullable(Type.String()), assessmentMode: Nullable(Type.String()),
  evidence: Nullable(Type.Object({ url: Type.String(), sha256: Type.String() })),
});

export const Achievement = Type.Object({
  id: Type.String(), learnerId: Type.String(), institutionId: Type.String(), externalId: Type.String(), source: Type.String(),
  status: Type.String(), current: Content, currentVersion: Type.Integer(), createdAt: Type.String(),
  history: Type.Array(Type.Object({
    version: Type.Integer(), action: Type.String(), supersedes: Nullable(Type.Integer()), content: Nullable(Content),
    reason: Nullable(Type.String()), actor: Type.String(), recordedAt: Type.String(), ledgerEntryId: Type.Integer(),
  })),
});
