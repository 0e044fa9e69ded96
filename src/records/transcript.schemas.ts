import { Type } from 'typebox';
import { Nullable } from '../http/schemas.js';
import { Learner } from '../learners/learners.schemas.js';
import { Achievement } from './records.schemas.js';

const Names = Type.Object({ zh: Nullable(Type.String()), en: Nullable(Type.String()) });
const LevelRef = Type.Object({ frameworkId: Type.String(), frameworkVersion: Type.String(), level: Type.Integer() });

const TranscriptEntry = Type.Intersect([Achievement, Type.Object({
  title: Names,
  item: Nullable(Type.Object({ id: Type.String(), code: Type.String(), version: Type.Integer(), kind: Type.String() })),
})]);

const ImportedMark = Type.Object({
  id: Type.String(), format: Type.String(), verification: Type.String(), verified: Type.Boolean(), name: Nullable(Type.String()),
  issuer: Nullable(Type.String()), trustedIssuer: Type.Boolean(), countsForRecognition: Type.Boolean(),
  trustEntry: Nullable(Type.Object({ id: Type.String(), status: Type.String(), removedAt: Nullable(Type.String()) })), importedAt: Type.String(),
});
const ImportedCredential = Type.Intersect([ImportedMark, Type.Object({
  checks: Type.Any(), evidence: Type.Object({ digest: Type.String(), mediaType: Type.String(), credential: Type.Any() }),
})]);

export const TranscriptBody = Type.Object({
  learnerId: Type.String(),
  groups: Type.Array(Type.Object({
    institution: Type.Object({ id: Type.String(), name: Names }),
    level: Nullable(LevelRef),
    field: Nullable(Type.Object({ code: Type.String(), name: Type.Object({ en: Type.String(), zh: Type.Optional(Type.String()) }) })),
    achievements: Type.Array(TranscriptEntry),
  })),
  totals: Type.Object({
    bySystem: Type.Array(Type.Object({ creditSystemId: Type.String(), credits: Type.String(), achievements: Type.Integer() })),
    home: Type.Object({
      creditSystemId: Type.String(), credits: Type.String(),
      conversions: Type.Array(Type.Object({
        achievementId: Type.String(), from: Type.String(), credits: Type.String(), hours: Nullable(Type.String()),
        converted: Type.String(), basis: Type.String(),
      })),
      notConverted: Type.Array(Type.Object({ achievementId: Type.String(), creditSystemId: Type.String(), reason: Type.String() })),
    }),
  }),
  importedCredentials: Type.Array(ImportedMark, { description: 'Credentials the learner imported from elsewhere, with how each was verified and whether it counts for recognition (whole views only)' }),
});

export const TranscriptDocument = Type.Intersect([TranscriptBody, Type.Object({
  view: Type.Union([Type.Literal('whole'), Type.Literal('partial')], { description: 'partial: an institution sees what it deposited and what was shared with it' }),
})]);

export const ExportDocument = Type.Object({
  format: Type.String(), formatVersion: Type.String(), exportedAt: Type.String(), learner: Learner,
  importedCredentials: Type.Array(ImportedCredential, { description: 'Imported credentials with their checks and the original kept as evidence' }),
  achievements: Type.Array(Type.Intersect([Achievement, Type.Object({
    item: Nullable(Type.Any()),
    provenance: Type.Object({
      depositor: Type.Object({ id: Type.String(), name: Type.Object({ zh: Nullable(Type.String()), en: Type.String() }), did: Type.String() }),
      externalId: Type.String(), source: Type.String(), learning: Nullable(Type.Any()),
    }),
    ledgerEntryIds: Type.Array(Type.Integer()),
  })])),
});

const Component = Type.Object({
  id: Type.String(), code: Type.String(), credits: Nullable(Type.String()), done: Type.Boolean(),
  earnedCredits: Nullable(Type.String()), achievementId: Nullable(Type.String()),
});

export const MicroMajorList = Type.Array(Type.Object({
  microMajor: Type.Object({ id: Type.String(), institutionId: Type.String(), code: Type.String(), version: Type.Integer(), title: Names }),
  complete: Type.Boolean(),
  rule: Type.Any(),
  done: Type.Array(Component),
  missing: Type.Array(Component),
  remaining: Type.Any(),
  explanation: Type.String(),
  versionBasis: Type.Object({ startedOn: Type.String(), reason: Type.String() }),
}));
