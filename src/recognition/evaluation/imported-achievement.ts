import { Decimal } from 'decimal.js';
import { decodeJwt } from 'jose';
import type { JsonObject } from '../../credentials/core/did-key.js';
import { credentialFromPayload } from '../../credentials/core/jose-suite.js';
import type { EngineAchievement, FrameworkLevel, ItemKind } from '../engine/index.js';

/** A credential import that counts for recognition, as stored (the original credential verbatim). */
export interface CountingImport {
  id: string;
  learnerId: string;
  /** 'ob3', 'w3c-vc' or 'ob2' (OB 1.x and hosted OB 2.0 never count, so never reach here). */
  format: string;
  /** The credential exactly as imported: JSON text, or a compact JWS / vc+jwt. */
  original: string;
  importedAt: Date;
  /**
   * Who the engine sees as the source: the trust-list entry id for an external issuer (rules name
   * it in a pattern's `institutionIds`), or the bank institution that issued it.
   */
  sourceId: string;
}

/** What the bank knows, so that only values it can interpret reach the engine. */
export interface KnownReference {
  creditSystemIds: ReadonlySet<string>;
  /** Framework id → its loaded versions, oldest first. */
  frameworkVersions: ReadonlyMap<string, readonly string[]>;
  /** ISCED-F codes of the loaded classification (broad, narrow, detailed). */
  iscedCodes: ReadonlySet<string>;
}

type Json = Record<string, unknown>;

/** OB 3.0 achievementType → the engine's kind. Types not listed (Badge, Award, Competency, ext:…) are 'other'. */
export const ACHIEVEMENT_KINDS: Readonly<Record<string, ItemKind>> = {
  Course: 'course', LearningProgram: 'module', Assignment: 'unit',
  Certificate: 'certificate', CertificateOfCompletion: 'certificate', Certification: 'certificate', License: 'certificate',
  ApprenticeshipCertificate: 'certificate', JourneymanCertificate: 'certificate', MasterCertificate: 'certificate',
  QualityAssuranceCredential: 'certificate', Assessment: 'exam', MicroCredential: 'micro-major',
  AssociateDegree: 'qualification', BachelorDegree: 'qualification', MasterDegree: 'qualification', Degree: 'qualification',
  DoctoralDegree: 'qualification', ProfessionalDoctorate: 'qualification', ResearchDoctorate: 'qualification', Diploma: 'qualification',
  SecondarySchoolDiploma: 'qualification', GeneralEducationDevelopment: 'qualification',
  Fieldwork: 'work-based', 'ext:MOOC': 'mooc', 'ext:Mooc': 'mooc',
};

const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : undefined);
const first = (v: unknown): Json | undefined => obj(Array.isArray(v) ? v[0] : v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
function list(v: unknown): Json[] {
  if (!Array.isArray(v)) return obj(v) ? [v as Json] : [];
  const out: Json[] = [];
  for (const x of v as unknown[]) {
    const o = obj(x);
    if (o) out.push(o);
  }
  return out;
}

/**
 * The credential inside an import: JSON text as is, or the payload of a compact JWS (a vc+jwt or a
 * signed OB 2.0 assertion) read the way the verifier reads it (a VCDM 1.1 JWT carries it under `vc`).
 */
export function credentialJson(original: string): Json | undefined {
  try {
    if (original.startsWith('{')) return obj(JSON.parse(original));
    return obj(credentialFromPayload(decodeJwt(original) as JsonObject).credential);
  } catch {
    return undefined; // verified at import, so unreadable only if stored by hand: it then states nothing
  }
}

/** A decimal number stated as a JSON number or numeric string; anything else is not a statement of credits. */
function amount(v: unknown): Decimal | undefined {
  if (typeof v !== 'number' && typeof v !== 'string') return undefined;
  if (typeof v === 'string' && !/^\d{1,6}(\.\d{1,4})?$/.test(v.trim())) return undefined;
  const d = new Decimal(v);
  return d.isFinite() && d.gte(0) ? d : undefined;
}

/** An alignment to a credit system the bank knows: its `targetFramework` names the system (any case). */
function creditSystemOf(alignments: Json[], known: KnownReference): string | undefined {
  const byLower = new Map([...known.creditSystemIds].map((id) => [id.toLowerCase(), id]));
  for (const a of alignments) {
    const id = byLower.get(text(a.targetFramework)?.toLowerCase() ?? '');
    if (id) return id;
  }
  return undefined;
}

/**
 * An alignment to a level of a framework the bank knows: `targetFramework` is the framework id and
 * `targetCode` the level number. The version is read from a bank-style `targetUrl`
 * (…/frameworks/{id}/{version}/levels/{n}) when that version is loaded, else the newest loaded one.
 */
export function levelOf(alignments: Json[], known: KnownReference): FrameworkLevel | null {
  for (const a of alignments) {
    const frameworkId = text(a.targetFramework);
    const versions = frameworkId ? known.frameworkVersions.get(frameworkId) : undefined;
    const code = text(typeof a.targetCode === 'number' ? String(a.targetCode) : a.targetCode);
    if (!frameworkId || !versions?.length || !code || !/^\d{1,2}$/.test(code)) continue;
    const level = Number(code);
    if (level < 1 || level > 12) continue;
    const fromUrl = text(a.targetUrl)?.match(/\/frameworks\/[^/]+\/([^/]+)\/levels\/\d+$/)?.[1];
    const version = fromUrl && versions.includes(decodeURIComponent(fromUrl)) ? decodeURIComponent(fromUrl) : versions[versions.length - 1]!;
    return { frameworkId, version, level };
  }
  return null;
}

function isoDate(...values: unknown[]): string | undefined {
  for (const v of values) {
    const s = text(v);
    if (s && /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s.slice(0, 10)))) return s.slice(0, 10);
  }
  return undefined;
}

interface Described { issuerName: string | undefined; name: string | undefined; kind: ItemKind; alignments: Json[]; credits: Decimal | undefined; field: string | undefined; result: string | undefined; completed: string | undefined }

function describeOb3(vc: Json): Described {
  const subject = first(vc.credentialSubject) ?? {};
  const achievement = obj(subject.achievement) ?? {};
  const type = text(achievement.achievementType);
  return {
    issuerName: text(obj(vc.issuer)?.name), name: text(achievement.name),
    kind: (type !== undefined && Object.hasOwn(ACHIEVEMENT_KINDS, type) ? ACHIEVEMENT_KINDS[type] : undefined) ?? 'other', alignments: list(achievement.alignment),
    credits: amount(subject.creditsEarned) ?? amount(achievement.creditsAvailable), field: text(achievement.fieldOfStudy),
    result: text(first(subject.result)?.value),
    completed: isoDate(subject.activityEndDate, vc.validFrom, vc.issuanceDate),
  };
}

function describeOb2(assertion: Json): Described {
  const badge = obj(assertion.badge) ?? {};
  return { issuerName: text(obj(badge.issuer)?.name), name: text(badge.name), kind: 'other', alignments: list(badge.alignment), credits: undefined, field: undefined, result: undefined, completed: isoDate(assertion.issuedOn) };
}

/** What an imported credential states, as a reviewer reads it: credits only in a credit system the bank knows. */
export interface ImportStatements { issuerName: string | null; credits: string | null; creditSystemId: string | null; result: string | null; completedOn: string | null }

export function importStatements(format: string, original: string, known: KnownReference | undefined): ImportStatements {
  const d = described(format, original);
  const credits = known ? statedCredits(d, known) : undefined;
  return { issuerName: d.issuerName ?? null, credits: credits?.amount.toString() ?? null, creditSystemId: credits?.systemId ?? null,
    result: d.result ?? null, completedOn: d.completed ?? null };
}

/** What a stored import's credential says, read the way its format puts it. */
function described(format: string, original: string): Described {
  const json = credentialJson(original) ?? {};
  return format === 'ob2' ? describeOb2(json) : describeOb3(json);
}

/** The credits a credential states, when it states them in a credit system the bank knows. */
function statedCredits(d: Described, known: KnownReference): { amount: Decimal; systemId: string } | undefined {
  const systemId = creditSystemOf(d.alignments, known);
  return d.credits !== undefined && systemId !== undefined ? { amount: d.credits, systemId } : undefined;
}

/**
 * The engine's view of an imported credential. Only what the credential states in terms the bank
 * knows is used: credits need a known credit system (else they are unstated, and rules needing them
 * go to review), a level needs a known framework, a field of study must be an ISCED-F code. An
 * import is never in a catalogue, so equivalencies never match it; pattern rules do.
 */
export function toEngineImport(imp: CountingImport, known: KnownReference): EngineAchievement {
  const d = described(imp.format, imp.original);
  const stated = statedCredits(d, known);
  const field = d.field && /^\d{2,4}$/.test(d.field) && known.iscedCodes.has(d.field) ? d.field : null;
  return {
    id: imp.id, learnerId: imp.learnerId, sourceInstitutionId: imp.sourceId, catalogueItemId: null, catalogueItemVersion: null,
    kind: d.kind, platform: null, level: levelOf(d.alignments, known), fieldOfStudy: field,
    credits: stated?.amount ?? new Decimal(0), creditSystemId: stated?.systemId ?? 'unstated', ...(stated ? {} : { creditsUnstated: true }),
    notionalHours: null,
    // An awarded credential without a result is a pass; a stated result is in a scheme the bank does not know.
    result: d.result ?? 'P', gradingSchemeId: d.result === undefined ? 'pass-fail' : 'external',
    completedOn: d.completed ?? imp.importedAt.toISOString().slice(0, 10), revoked: false,
    ...(d.name ? { label: d.name.length > 80 ? `${d.name.slice(0, 79)}…` : d.name } : {}),
  };
}
