import { Type } from 'typebox';
import { DecimalString, IsoDate, NonNegativeDecimal, Nullable, PositiveInt, Strict, Uuid } from '../http/schemas.js';
import { RULE_KINDS } from './rules/rule-definition.js';

const Text = (max = 2000) => Type.String({ minLength: 1, maxLength: max });
const Evidence = Type.Array(Text(500), { maxItems: 20, description: 'URLs or citations behind the rule or decision' });

const VersionFields = {
  programmeId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  effectiveFrom: IsoDate,
  effectiveTo: Type.Optional(IsoDate),
  rationale: Text(),
  evidence: Evidence,
  definition: Type.Object({}, { additionalProperties: true, description: 'Checked against the schema of `type` (equivalency, block, conversion, caps); see the README' }),
};

export const RuleInput = Strict({
  type: Type.Union(RULE_KINDS.map((k) => Type.Literal(k))),
  targetInstitutionId: Type.Optional(Uuid),
  agreementId: Type.Optional(Uuid),
  ...VersionFields,
});
export const RuleVersionInput = Strict(VersionFields);

export const RuleVersion = Type.Object({
  id: Type.String(), version: Type.Integer(), owner: Type.Object({ kind: Type.String(), id: Type.String() }),
  targetInstitutionId: Type.String(), programmeId: Nullable(Type.String()), kind: Type.String(), definition: Type.Unknown(),
  effectiveFrom: Type.String(), effectiveTo: Nullable(Type.String()), rationale: Type.String(), evidence: Type.Array(Type.String()),
  supersedes: Nullable(Type.Integer()), publishedBy: Type.String(), publishedAt: Type.String(),
});

export const RuleQuery = Strict({
  targetInstitutionId: Type.Optional(Uuid),
  appliesAt: Type.Optional(Type.String({ format: 'uuid', description: 'Rules that apply at this institution: those targeting it and agreement rules read back there' })), agreementId: Type.Optional(Uuid), ownerId: Type.Optional(Uuid),
  type: Type.Optional(Type.Union(RULE_KINDS.map((k) => Type.Literal(k)))), programmeId: Type.Optional(Type.String({ maxLength: 100 })),
  effectiveOn: Type.Optional(IsoDate), after: Type.Optional(Uuid),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

const Party = Type.Object({ institutionId: Type.String(), joinedOn: Type.String(), leftOn: Nullable(Type.String()) });
export const Agreement = Type.Object({
  id: Type.String(), kind: Type.String(), name: Type.Object({ zh: Nullable(Type.String()), en: Type.String() }),
  effectiveFrom: Type.String(), effectiveTo: Nullable(Type.String({ description: 'last day in force' })),
  status: Type.String({ description: "'active', or 'ended' once an end is recorded (in force until the day before end.on)" }),
  parties: Type.Array(Party), createdAt: Type.String(),
  end: Nullable(Type.Object({ on: Type.String({ description: 'first day the agreement no longer applies' }), reason: Type.String() })),
});
export const AgreementInput = Strict({
  kind: Type.Union([Type.Literal('bilateral'), Type.Literal('regional'), Type.Literal('international')]),
  name: Strict({ zh: Type.Optional(Text(200)), en: Text(200) }),
  effectiveFrom: IsoDate, effectiveTo: Type.Optional(IsoDate),
  parties: Type.Array(Strict({ institutionId: Uuid, joinedOn: Type.Optional(IsoDate) }), { minItems: 1, maxItems: 500 }),
});
export const JoinInput = Strict({ institutionId: Uuid, joinedOn: IsoDate });
export const LeaveInput = Strict({ leftOn: IsoDate });
export const EndInput = Strict({ endsOn: IsoDate, reason: Text(2000) });

const ImportIdsText = 'Credential imports of the learner\'s own record (GET /learners/{id}/imports) to evaluate beside the achievements. '
  + 'Each must count for recognition (verified, issuer trusted when imported); others are refused with 422 import_not_counting. '
  + 'The engine sees an import from an external issuer as coming from its trust-list entry: a block or conversion rule matches it with the entry id in pattern.institutionIds, or by kind.';
const Level = Strict({ frameworkId: Text(60), version: Text(20), level: Type.Integer({ minimum: 1, maximum: 12 }) });
export const DescribedAchievement = Strict({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), catalogueItemId: Type.Optional(Uuid), sourceInstitutionId: Type.Optional(Uuid),
  kind: Type.Optional(Type.Union(['course', 'unit', 'module', 'micro-major', 'mooc', 'certificate', 'exam', 'qualification', 'work-based', 'rpl', 'other'].map((k) => Type.Literal(k)))),
  platform: Type.Optional(Text(100)), level: Type.Optional(Level), fieldOfStudy: Type.Optional(Type.String({ pattern: '^\\d{2,4}$' })),
  credits: Type.Optional(NonNegativeDecimal), creditSystemId: Type.Optional(Text(60)), notionalHours: Type.Optional(NonNegativeDecimal),
  result: Type.Optional(Text(40)), gradingSchemeId: Type.Optional(Text(60)), completedOn: IsoDate,
});
export const PreviewInput = Strict({
  targetInstitutionId: Uuid, programmeId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  date: Type.Optional(IsoDate), learnerId: Type.Optional(Uuid),
  achievementIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000, description: 'Own-record preview: these achievements (absent: the whole record; [] for none)' })),
  importIds: Type.Optional(Type.Array(Uuid, { maxItems: 200, uniqueItems: true, description: ImportIdsText })),
  achievements: Type.Optional(Type.Array(DescribedAchievement, { minItems: 1, maxItems: 1000 })),
  explain: Type.Optional(Type.Union([Type.Literal('summary'), Type.Literal('full')], {
    description: "Detail of `explanation`: 'summary' (default) lists at most 3 caps, solver notes and candidates not chosen (the strongest), "
      + "each followed by a count of the rest; 'full' lists every one with its reason. Outcomes are explained in full either way.",
  })),
});

const Grant = Type.Object({ category: Type.String(), credits: Type.String(), targetItemId: Type.Optional(Type.String()) });
export const Outcome = Type.Object({
  achievementId: Type.String(), status: Type.String(), ruleId: Type.Optional(Type.String()), ruleVersion: Type.Optional(Type.Integer()),
  credits: Type.Optional(Type.String()), grants: Type.Optional(Type.Array(Grant)), waiver: Type.Optional(Type.Boolean()),
  coSourceIds: Type.Optional(Type.Array(Type.String())), reason: Type.Optional(Type.String()),
  reviewer: Type.Optional(Type.Object({ institutionId: Type.String() })), explanation: Type.String(),
});
export const Evaluation = Type.Object({
  date: Type.String(), targetInstitutionId: Type.String(), programmeId: Nullable(Type.String()), outcomes: Type.Array(Outcome),
  totals: Type.Object({ total: Type.String(), byCategory: Type.Record(Type.String(), Type.String()) }),
  unevaluated: Type.Array(Type.String()), capsRule: Nullable(Type.Object({ id: Type.String(), version: Type.Integer() })),
  explanation: Type.Array(Type.String(), { description: "Why this combination: method and objective order, caps, solver notes and candidates not chosen; bounded lists with a count of the rest unless the request asked explain: 'full'" }),
  notice: Type.String(),
});

export const RequestInput = Strict({
  targetInstitutionId: Uuid, programmeId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  achievementIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 200, description: 'Deposited achievements of the learner\'s record' })),
  importIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 200, uniqueItems: true, description: ImportIdsText })),
  note: Type.Optional(Text(2000)),
}, { description: 'At least one of achievementIds and importIds' });
export const ReviewInput = Strict({
  outcome: Type.Union([Type.Literal('approve'), Type.Literal('partial'), Type.Literal('reject')]),
  credits: Type.Optional(DecimalString), category: Type.Optional(Text(60)), targetItemId: Type.Optional(Text(200)),
  reason: Text(), evidence: Type.Optional(Evidence),
  reviewer: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The person deciding; "a different reviewer" is checked on it (else on the client id)' })),
  ruleId: Type.Optional(Uuid), ruleVersion: Type.Optional(PositiveInt()),
});
export const AppealInput = Strict({
  reason: Text(),
  evidence: Type.Array(Strict({ url: Type.String({ format: 'uri', maxLength: 1000 }), sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })), description: Type.Optional(Text(500)) }), { minItems: 1, maxItems: 20 }),
});

const Decision = Type.Object({
  id: Type.String(), kind: Type.String(), outcome: Type.String(), credits: Type.String(), grants: Type.Array(Type.Unknown()),
  ruleVersions: Type.Array(Type.Object({ id: Type.String(), version: Type.Integer() })), reviewer: Type.String(), reason: Type.String(),
  evidence: Type.Array(Type.Unknown()), decidedAt: Type.String(), ledgerEntryId: Type.Integer(),
});
const Credit = Type.Object({
  id: Type.String(), decisionId: Type.String(), itemId: Type.String(), targetInstitutionId: Type.String(), programmeId: Nullable(Type.String()),
  category: Type.String(), credits: Type.String(), targetItemId: Nullable(Type.String()), sourceAchievementIds: Type.Array(Type.String()),
  sourceImportIds: Type.Array(Type.String({ description: 'Credential imports the credit rests on' })),
  sourceTrustEntryIds: Type.Array(Type.String({ description: 'Trust-list entries of those imports\' external issuers' })),
  rule: Nullable(Type.Object({ id: Type.String(), version: Nullable(Type.Integer()) })), recognisedOn: Type.String(), status: Type.String(),
  revokedAt: Nullable(Type.String()), revokedReason: Nullable(Type.String()),
});
const Appeal = Type.Object({
  id: Type.String(), appealedDecisionId: Type.String(), reason: Type.String(), evidence: Type.Array(Type.Unknown()),
  filedAt: Type.String(), decisionId: Nullable(Type.String()),
});
const ItemSubject = Nullable(Type.Object({
  title: Nullable(Type.String()), code: Nullable(Type.String()), kind: Type.String(),
  provider: Type.Object({ id: Nullable(Type.String()), name: Nullable(Type.String()) }),
  credits: Nullable(Type.String()), creditSystemId: Nullable(Type.String()), result: Nullable(Type.String()), completedOn: Nullable(Type.String()),
  evidence: Nullable(Type.Object({ url: Type.String(), sha256: Nullable(Type.String()) })),
  provenance: Nullable(Type.Object({ issuer: Type.String(), method: Type.String(), reference: Type.Optional(Type.String()), verifiedOn: Type.Optional(Type.String()) })),
  verification: Nullable(Type.String()), revoked: Type.Boolean(),
}, {
  description: 'What the item is about, as the learner showed it to the target by asking: a course (code, title, its institution as provider) or other learning '
    + '(title, the depositing institution as provider, provenance), with credits, result and evidence as now recorded; or an imported credential '
    + '(name, issuer as provider, how it was verified). '
    + 'Null if the entry no longer exists.',
}));
export const RequestView = Type.Object({
  id: Type.String(), learnerId: Type.String(), targetInstitutionId: Type.String(), programmeId: Nullable(Type.String()),
  evaluatedOn: Type.String(), note: Nullable(Type.String()), createdAt: Type.String(),
  items: Type.Array(Type.Object({
    id: Type.String(), achievementId: Type.String({ description: 'The record entry evaluated: an achievement, or a credential import when sourceKind is import' }),
    sourceKind: Type.Union([Type.Literal('achievement'), Type.Literal('import')]), subject: ItemSubject, status: Type.String(), evaluation: Outcome,
    decisions: Type.Array(Decision), appeal: Nullable(Appeal), credits: Type.Array(Credit),
  })),
});
export const RequestSummaryPage = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String(), learnerId: Type.String(), targetInstitution: Type.Object({ id: Type.String(), name: Nullable(Type.String()) }), programmeId: Nullable(Type.String()),
    evaluatedOn: Type.String(), note: Nullable(Type.String()), createdAt: Type.String(),
    items: Type.Object({ total: Type.Integer(), queued: Type.Integer(), appealed: Type.Integer(), decided: Type.Integer() }, { description: 'The request\'s items by status' }),
    credits: Type.String({ description: 'Recognised credit the request holds now (revoked credit left out), in the target\'s credit system' }),
  })),
  nextCursor: Nullable(Type.String()),
});
export const QueuePage = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String(), learnerId: Type.String(), requestId: Type.String(), achievementId: Type.String(),
    sourceKind: Type.Union([Type.Literal('achievement'), Type.Literal('import')]), subject: ItemSubject, status: Type.String(),
    evaluation: Outcome, queuedAt: Nullable(Type.String()),
  })),
  next: Nullable(Type.String()),
});
export const Notice = Type.Object({
  id: Type.String(), learnerId: Type.String(), institutionId: Type.String(), kind: Type.String(), subjectId: Type.String(),
  message: Type.String(), detail: Type.Unknown(), createdAt: Type.String(),
});
export const Affected = Type.Object({
  learnerId: Type.String(), requestId: Type.String(), itemId: Type.String(), achievementId: Type.String(), status: Type.String(),
  before: Outcome, after: Outcome,
});
export const ItemParams = Strict({ id: Uuid, itemId: Uuid });
export const PartyParams = Strict({ id: Uuid, institutionId: Uuid });
