import { Type } from 'typebox';
import { DecimalString, IsoDate, IsoDateTime, Nullable, Strict, Uuid } from '../http/schemas.js';
import { ProgrammeMapping } from './programme-mapping.js';

export const ProgrammeId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' });
const Version = Type.String({ minLength: 1, maxLength: 64 });
const Text = Type.Object({ en: Type.String(), zh: Type.Optional(Type.String()), ko: Type.Optional(Type.String()) });

export const ProgrammeParams = Strict({ programmeId: ProgrammeId });
export const LearnerProgrammeParams = Strict({ id: Uuid, programmeId: ProgrammeId });
export const VersionQuery = Strict({ version: Type.Optional(Version) });
export const AwardingQuery = Strict({ awardingInstitution: Type.Optional(Type.String({ maxLength: 128, description: 'Slug of the awarding institution' })) });

export const PublishInput = Strict({
  programme: Type.Unknown({ description: 'A programme document (the schema of frameworks/programmes/*.json), checked by the audit engine\'s loader' }),
  mapping: Type.Optional(ProgrammeMapping),
});

export const ProgrammeVersionView = Type.Object({
  programmeId: Type.String(), version: Type.String(), seq: Type.Integer(), awardingInstitution: Type.String(), name: Text,
  digest: Type.String(), origin: Type.String(), createdAt: IsoDateTime,
  programme: Type.Unknown(), mapping: Type.Unknown(),
});
export const ProgrammeSummary = Type.Object({
  programmeId: Type.String(), version: Type.String(), awardingInstitution: Type.String(), name: Text, totalCredits: DecimalString,
});
export const ProgrammeList = Type.Object({ items: Type.Array(ProgrammeSummary) });
export const ProgrammeDetail = Type.Object({ programmeId: Type.String(), latest: ProgrammeVersionView, versions: Type.Array(ProgrammeVersionView) });

export const EnrolInput = Strict({ programmeId: ProgrammeId, version: Type.Optional(Version) });
export const Enrolment = Type.Object({ learnerId: Uuid, programmeId: Type.String(), version: Type.String(), enrolledBy: Type.String(), enrolledAt: IsoDateTime });
export const EnrolmentList = Type.Object({ items: Type.Array(Enrolment) });

const Suggestion = Type.Object({
  catalogueItemId: Uuid, ref: Type.String(), code: Type.String(), institutionId: Uuid,
  title: Type.Object({ zh: Nullable(Type.String()), en: Nullable(Type.String()) }), credits: DecimalString,
});
export const AuditViewSchema = Type.Object({
  learnerId: Uuid, programmeId: Type.String(), programmeVersion: Type.String(), programmeDigest: Type.String(), asOf: IsoDate,
  complete: Type.Boolean(), totalCounted: DecimalString,
  requirements: Type.Array(Type.Object({
    id: Type.String(), kind: Type.String(), name: Text, status: Type.String({ description: 'satisfied, partly, not or waived' }),
    unit: Type.String(), counted: DecimalString, needed: DecimalString, missing: DecimalString, itemIds: Type.Array(Type.String()),
    waiverReason: Type.Optional(Type.String()), waiverId: Type.Optional(Uuid), suggestions: Type.Array(Suggestion),
  })),
  caps: Type.Array(Type.Object({ id: Type.String(), name: Text, groups: Type.Array(Type.Object({ key: Type.String(), used: DecimalString, limit: DecimalString })) })),
  assignments: Type.Array(Type.Object({ itemId: Type.String(), categoryId: Type.String(), credits: DecimalString, hypothetical: Type.Boolean(), title: Type.String(), source: Type.String() })),
  unused: Type.Array(Type.Object({ itemId: Type.String(), reason: Type.String(), detail: Type.String(), hypothetical: Type.Boolean(), title: Type.String() })),
  excluded: Type.Array(Type.Object({ itemId: Type.String(), reason: Type.String(), detail: Type.String() })),
  hypotheticalItemIds: Type.Array(Type.String()),
});

export const WhatIfInput = Strict({
  items: Type.Array(Strict({
    catalogueItemId: Uuid,
    result: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    completedOn: Type.Optional(IsoDate),
  }), { minItems: 1, maxItems: 50 }),
});

export const AwardInput = Strict({ programmeId: ProgrammeId, version: Type.Optional(Version) });
export const RescindInput = Strict({ reason: Type.String({ minLength: 1, maxLength: 2000 }) });
export const AwardView = Type.Object({
  id: Uuid, learnerId: Uuid, programmeId: Type.String(), programmeVersion: Type.String(), institutionId: Uuid,
  status: Type.String(), totalCredits: DecimalString, snapshotDigest: Type.String(), auditSnapshot: AuditViewSchema,
  credentialId: Nullable(Uuid), awardedBy: Type.String(), awardedAt: IsoDateTime, ledgerEntryId: Type.Integer(),
  rescission: Nullable(Type.Object({ reason: Type.String(), rescindedBy: Type.String(), rescindedAt: IsoDateTime, ledgerEntryId: Type.Integer() })),
});
export const AwardList = Type.Object({ items: Type.Array(AwardView) });
