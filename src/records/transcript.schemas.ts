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
  partOf: Nullable(Type.String({ description: 'For a credential that came bundled in an imported CLR (a transcript): the import of that CLR' })),
});
const ImportedCredential = Type.Intersect([ImportedMark, Type.Object({
  checks: Type.Any(), evidence: Type.Object({ digest: Type.String(), mediaType: Type.String(), credential: Type.Any() }),
})]);

const RecognisedCreditFields = {
  id: Type.String(),
  targetInstitutionId: Type.String({ description: 'The recognising institution: the line is part of the record there' }),
  programmeId: Nullable(Type.String()),
  category: Type.String({ description: 'The block category the credit counts in' }),
  credits: Type.String({ description: 'Credits granted, in creditSystemId (exact decimal)' }),
  creditSystemId: Type.String({ description: "The target's credit system: its caps policy's on the day of recognition, else the home system" }),
  targetItemId: Nullable(Type.String({ description: 'The target item granted, as the grant names it (institutionId:code from a rule, or a reviewer\'s reference)' })),
  catalogueItemId: Nullable(Type.String({ description: 'That item\'s catalogue version in force on the day of recognition (else its latest)' })),
  sources: Type.Object({
    achievementIds: Type.Array(Type.String(), { description: 'The achievements the credit rests on (they keep their own lines and totals)' }),
    institutionIds: Type.Array(Type.String(), { description: 'Bank institutions among the sources (an external issuer is named by its imports)' }),
    importIds: Type.Array(Type.String(), { description: 'Imported credentials the credit rests on (see importedCredentials: each keeps its original as evidence and how it was verified)' }),
    trustEntryIds: Type.Array(Type.String(), { description: 'Trust-list entries of their external issuers, as they were when the credit was granted' }),
  }),
  decision: Type.Object({
    id: Type.String(), requestId: Type.String(), itemId: Type.String(), kind: Type.String(), outcome: Type.String(), reviewer: Type.String(),
  }, { description: 'The recognition decision (and request) the credit was granted by' }),
  rule: Nullable(Type.Object({ id: Type.String(), version: Type.Integer() }, { description: "The rule version applied; null when none was (a reviewer's own judgement)" })),
  recognisedOn: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked')], { description: 'revoked: a source achievement was revoked; kept as history, never totalled' }),
  history: Type.Array(Type.Object({
    action: Type.Union([Type.Literal('granted'), Type.Literal('revoked')]),
    at: Type.String(), actor: Type.String({ description: 'Who, as the ledger records the actor' }), reason: Type.String(), ledgerEntryId: Type.Integer(),
  })),
};

const RecognisedEntry = Type.Object({
  ...RecognisedCreditFields,
  title: Names,
  item: Nullable(Type.Object({ id: Type.String(), code: Type.String(), version: Type.Integer(), kind: Type.String() })),
});

const HomeFields = { from: Type.String(), credits: Type.String(), hours: Nullable(Type.String()), converted: Type.String(), basis: Type.String() };

export const TranscriptBody = Type.Object({
  learnerId: Type.String(),
  groups: Type.Array(Type.Object({
    institution: Type.Object({ id: Type.String(), name: Names }),
    level: Nullable(LevelRef),
    field: Nullable(Type.Object({ code: Type.String(), name: Type.Object({ en: Type.String(), zh: Type.Optional(Type.String()) }) })),
    achievements: Type.Array(TranscriptEntry),
    recognised: Type.Array(RecognisedEntry, { description: 'Credit this institution recognised from achievements in the record, live and revoked, linked to its sources' }),
  })),
  totals: Type.Object({
    bySystem: Type.Array(Type.Object({ creditSystemId: Type.String(), credits: Type.String(), achievements: Type.Integer() }), {
      description: "The learner's own live achievements per credit system; recognised credits are not in it (see recognised)",
    }),
    home: Type.Object({
      creditSystemId: Type.String(), credits: Type.String(),
      conversions: Type.Array(Type.Object({ achievementId: Type.String(), ...HomeFields })),
      notConverted: Type.Array(Type.Object({ achievementId: Type.String(), creditSystemId: Type.String(), reason: Type.String() })),
    }, { description: "The learner's own live achievements normalised into the home credit system (hours basis per line); recognised credits are not in it" }),
    recognised: Type.Object({
      bySystem: Type.Array(Type.Object({ creditSystemId: Type.String(), credits: Type.String(), recognisedCredits: Type.Integer() })),
      home: Type.Object({
        creditSystemId: Type.String(), credits: Type.String(),
        conversions: Type.Array(Type.Object({ recognisedCreditId: Type.String(), ...HomeFields })),
        notConverted: Type.Array(Type.Object({ recognisedCreditId: Type.String(), creditSystemId: Type.String(), reason: Type.String() })),
      }),
    }, {
      description: 'Live recognised credits only (revoked ones are history), per credit system and in the home system. Totalled apart '
        + 'from the own totals and never to be added to them: each recognised credit rests on source achievements already counted there.',
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
  recognisedCredits: Type.Array(Type.Object({
    ...RecognisedCreditFields,
    item: Nullable(Type.Any({ description: 'The target catalogue item granted' })),
    target: Type.Object({ id: Type.String(), name: Type.Object({ zh: Nullable(Type.String()), en: Type.String() }), did: Type.String() }),
    ledgerEntryIds: Type.Array(Type.Integer(), { description: 'The grant and (when revoked) the revocation entries' }),
  }), { description: 'Every credit recognised from this record, live and revoked, with its source achievement ids' }),
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
