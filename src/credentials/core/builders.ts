/**
 * Builders for Open Badges 3.0 AchievementCredential and CLR 2.0 ClrCredential from plain inputs.
 * Credit values arrive as exact decimal strings and are written as JSON numbers (the OB schema type
 * is Float); the string is checked to have at most 15 significant digits so the number prints back
 * to the same decimal text — no binary rounding can creep in.
 */
import { createHash } from 'node:crypto';
import { CONTEXT_URLS } from './context-store.js';
import type { JsonObject } from './did-key.js';

export const OB_ACHIEVEMENT_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';
export const CLR_SCHEMA = 'https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json';
// Defined only by the OB extensions context, which the builders therefore add (as 1EdTech's examples do).
const SCHEMA_TYPE = '1EdTechJsonSchemaValidator2019';

export interface ProfileInput { id: string; name: string; url?: string; email?: string; description?: string }
export interface AlignmentInput { targetName: string; targetUrl: string; targetFramework?: string; targetCode?: string; targetType?: string; targetDescription?: string }
export interface ResultDescriptionInput {
  id: string; name: string; resultType: string;
  allowedValue?: string[]; requiredValue?: string; valueMin?: string; valueMax?: string;
}
export interface AchievementInput {
  id: string; name: string; description: string; achievementType: string;
  criteria: { id?: string; narrative?: string };
  creditsAvailable?: string; fieldOfStudy?: string; humanCode?: string; inLanguage?: string; version?: string;
  alignment?: AlignmentInput[]; resultDescription?: ResultDescriptionInput[];
}
export interface IdentityInput { identityType: string; identityHash: string; salt: string }
export interface ResultInput { resultDescription?: string; value?: string; status?: string; achievedLevel?: string }
export interface SubjectInput {
  /** A DID the learner controls; otherwise give `identifier` (a salted hash, never a clear ID number). */
  id?: string; identifier?: IdentityInput[];
  creditsEarned?: string; result?: ResultInput[]; activityStartDate?: string; activityEndDate?: string; term?: string;
}
export interface AchievementCredentialInput {
  id: string; name?: string; issuer: ProfileInput; achievement: AchievementInput; subject: SubjectInput;
  /** Omitted, the issuance service stamps its own clock's time. */
  validFrom?: string; validUntil?: string; credentialStatus?: JsonObject[];
}

/** A JSON number for an exact decimal string; refuses values a double could not print back exactly. */
export function creditNumber(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new Error(`credit value "${value}" is not a non-negative decimal`);
  const digits = value.replace('.', '').replace(/^0+/, '');
  if (digits.length > 15) throw new Error(`credit value "${value}" has more than 15 significant digits`);
  return Number(value);
}

/** An OB 3.0 IdentityObject holding sha256(value ‖ salt), so the clear identifier never leaves the bank. */
export function hashedIdentity(value: string, salt: string, identityType = 'identifier'): IdentityInput {
  const hex = createHash('sha256').update(value + salt, 'utf8').digest('hex');
  return { identityType, identityHash: `sha256$${hex}`, salt };
}

const compact = (o: JsonObject): JsonObject =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));

export function buildProfile(p: ProfileInput): JsonObject {
  return compact({ id: p.id, type: ['Profile'], name: p.name, url: p.url, email: p.email, description: p.description });
}

/** An OB 3.0 Achievement (as embedded in a subject, or listed in a ClrSubject). */
export function buildAchievement(a: AchievementInput, creator: ProfileInput): JsonObject {
  return compact({
    id: a.id, type: ['Achievement'], achievementType: a.achievementType, name: a.name, description: a.description,
    criteria: compact({ id: a.criteria.id, narrative: a.criteria.narrative }),
    creator: buildProfile(creator),
    creditsAvailable: a.creditsAvailable === undefined ? undefined : creditNumber(a.creditsAvailable),
    fieldOfStudy: a.fieldOfStudy, humanCode: a.humanCode, inLanguage: a.inLanguage, version: a.version,
    alignment: a.alignment?.map((al) => compact({ type: ['Alignment'], ...al })),
    resultDescription: a.resultDescription?.map((r) => compact({ ...r, type: ['ResultDescription'] })),
  });
}

function buildSubject(s: SubjectInput, achievement: JsonObject): JsonObject {
  if (!s.id && !s.identifier?.length) throw new Error('a credential subject needs an id (DID) or a hashed identifier');
  return compact({
    id: s.id, type: ['AchievementSubject'],
    identifier: s.identifier?.map((i) => ({ type: 'IdentityObject', hashed: true, ...i })),
    achievement,
    creditsEarned: s.creditsEarned === undefined ? undefined : creditNumber(s.creditsEarned),
    result: s.result?.map((r) => compact({ type: ['Result'], ...r })),
    activityStartDate: s.activityStartDate, activityEndDate: s.activityEndDate, term: s.term,
  });
}

/** An unsigned Open Badges 3.0 AchievementCredential. */
export function buildAchievementCredential(input: AchievementCredentialInput): JsonObject {
  const achievement = buildAchievement(input.achievement, input.issuer);
  return compact({
    '@context': [CONTEXT_URLS.credentialsV2, CONTEXT_URLS.obV3, CONTEXT_URLS.obExtensions],
    id: input.id,
    type: ['VerifiableCredential', 'OpenBadgeCredential', 'AchievementCredential'],
    issuer: buildProfile(input.issuer),
    validFrom: input.validFrom, validUntil: input.validUntil,
    name: input.name ?? input.achievement.name,
    credentialSubject: buildSubject(input.subject, achievement),
    credentialStatus: input.credentialStatus,
    credentialSchema: [{ id: OB_ACHIEVEMENT_SCHEMA, type: SCHEMA_TYPE }],
  });
}

export interface AssociationInput { associationType: string; sourceId: string; targetId: string }
export interface ClrCredentialInput {
  id: string; name: string; issuer: ProfileInput; validFrom?: string; validUntil?: string;
  subject: { id?: string; identifier?: IdentityInput[] };
  /** CLR 2.0: true when the CLR leaves out some of what the bank holds for the learner. */
  partial?: boolean;
  /** Data Integrity-signed AchievementCredentials (CLR 2.0 embeds credential objects). */
  credentials: JsonObject[];
  achievements?: JsonObject[]; associations?: AssociationInput[]; credentialStatus?: JsonObject[];
}

/** An unsigned CLR 2.0 ClrCredential bundling already-signed achievement credentials. */
export function buildClrCredential(input: ClrCredentialInput): JsonObject {
  if (input.credentials.length === 0) throw new Error('a ClrCredential must bundle at least one credential');
  if (!input.subject.id && !input.subject.identifier?.length) throw new Error('a ClrSubject needs an id or a hashed identifier');
  return compact({
    '@context': [CONTEXT_URLS.credentialsV2, CONTEXT_URLS.clrV2, CONTEXT_URLS.obV3, CONTEXT_URLS.obExtensions],
    id: input.id, type: ['VerifiableCredential', 'ClrCredential'],
    issuer: buildProfile(input.issuer), validFrom: input.validFrom, validUntil: input.validUntil, name: input.name,
    partial: input.partial,
    credentialSubject: compact({
      id: input.subject.id, type: ['ClrSubject'],
      identifier: input.subject.identifier?.map((i) => ({ type: 'IdentityObject', hashed: true, ...i })),
      verifiableCredential: input.credentials,
      achievement: input.achievements,
      association: input.associations?.map((a) => ({ type: 'Association', ...a })),
    }),
    credentialStatus: input.credentialStatus,
    credentialSchema: [{ id: CLR_SCHEMA, type: SCHEMA_TYPE }],
  });
}
