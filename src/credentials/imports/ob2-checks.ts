/**
 * Open Badges 2.0 assertion checks (our own; no network): required fields, hosted/signed
 * verification shape, an embedded BadgeClass, and the recipient identity (sha256$hash of
 * identity ‖ salt, or the clear identity) against the email the learner gives.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../core/did-key.js';
import { isJsonObject as isObj } from '../core/credential-fields.js';

export interface Ob2Result { problems: string[]; recipientMatches: boolean; notes: string[] }
const URL_RE = /^https?:\/\/\S+$/;

export function isOb2Assertion(v: unknown): v is JsonObject {
  if (!isObj(v)) return false;
  const ctx = ([] as unknown[]).concat(v['@context'] ?? []);
  return ctx.some((c) => typeof c === 'string' && c.startsWith('https://w3id.org/openbadges/v2')) && ([] as unknown[]).concat(v.type ?? []).includes('Assertion');
}

/** An IRI (https URL, urn:uuid:…) as OB 2.0 ids are; data: URIs count for images. */
const IRI_RE = /^[a-z][a-z0-9+.-]*:\S+$/i;
const isIri = (v: unknown): v is string => typeof v === 'string' && IRI_RE.test(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
/** OB 2.0 DateTime: an ISO 8601 string, or a Unix timestamp. */
const isDateTime = (v: unknown) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Date.parse(v))) || (typeof v === 'number' && Number.isInteger(v) && v >= 0);
const timeOf = (v: unknown) => (typeof v === 'number' ? v * 1000 : Date.parse(String(v)));
const typesOf = (v: JsonObject) => ([] as unknown[]).concat(v.type ?? []);

/** Problems of an embedded BadgeClass (OB 2.0 §BadgeClass: id, type, name, description, image, criteria, issuer). */
function badgeClassProblems(b: JsonObject): string[] {
  const problems: string[] = [];
  if (!isIri(b.id)) problems.push('badge.id must be an IRI');
  if (!typesOf(b).includes('BadgeClass')) problems.push('badge.type must be BadgeClass');
  for (const f of ['name', 'description']) if (!isText(b[f])) problems.push(`badge.${f} must be text`);
  if (!isIri(b.image) && !(isObj(b.image) && isIri(b.image.id))) problems.push('badge.image must be an image IRI (or data URI) or an Image with one');
  const c = b.criteria;
  if (!isIri(c) && !(isObj(c) && (isIri(c.id) || isText(c.narrative)))) problems.push('badge.criteria must be an IRI or Criteria with an id or narrative');
  const i = b.issuer;
  if (!isIri(i) && !(isObj(i) && isIri(i.id))) problems.push('badge.issuer must be an IRI or a Profile with an IRI id');
  return problems;
}

/**
 * Every OB 2.0 rule an assertion must meet, with types checked, not only presence. `signed`: it
 * came as a JWS whose signature the caller checks; as plain JSON a signed assertion proves nothing.
 */
export function checkOb2(a: JsonObject, email: string | undefined, opts: { signed?: boolean; now?: Date } = {}): Ob2Result {
  const problems: string[] = []; const notes: string[] = [];
  for (const f of ['id', 'recipient', 'badge', 'verification', 'issuedOn']) if (a[f] === undefined) problems.push(`${f} is required`);
  if (a.id !== undefined && !isIri(a.id)) problems.push('id must be an IRI');
  const v = a.verification;
  if (v !== undefined && !isObj(v)) problems.push('verification must be an object');
  const vt = isObj(v) ? String(v.type ?? '').toLowerCase() : '';
  if (isObj(v) && vt !== 'hosted' && vt !== 'signed' && vt !== 'hostedbadge' && vt !== 'signedbadge') problems.push('verification.type must be hosted or signed');
  if (vt.startsWith('hosted')) {
    if (typeof a.id !== 'string' || !URL_RE.test(a.id)) problems.push('a hosted assertion id must be an http(s) URL');
    notes.push('hosted assertion: not re-fetched from its URL (offline); checked as supplied');
  }
  if (vt.startsWith('signed') && !opts.signed) problems.push('a signed assertion must be imported as its JWS: without the signature nothing proves it');
  if (vt.startsWith('signed') && opts.signed) notes.push('signed assertion: the issuer\'s revocationList is not fetched offline');
  if (a.issuedOn !== undefined && !isDateTime(a.issuedOn)) problems.push('issuedOn must be a date');
  if (a.expires !== undefined && !isDateTime(a.expires)) problems.push('expires must be a date');
  else if (a.expires !== undefined && opts.now && timeOf(a.expires) <= opts.now.getTime()) problems.push(`the assertion expired on ${String(a.expires)}`);
  if (a.revoked === true) problems.push(`the assertion is marked revoked${isText(a.revocationReason) ? `: ${a.revocationReason}` : ''}`);
  const badge = a.badge;
  if (isObj(badge)) problems.push(...badgeClassProblems(badge));
  else if (isIri(badge)) notes.push('badge class given by URL: not fetched offline');
  else if (badge !== undefined) problems.push('badge must be a BadgeClass or its IRI');
  const r = a.recipient;
  if (r !== undefined && !isObj(r)) problems.push('recipient must be an IdentityObject');
  if (isObj(r)) {
    if (!isText(r.identity)) problems.push('recipient.identity must be text');
    // The identity is matched against the learner's email, so only an email identity can match.
    if (r.type !== 'email') problems.push('recipient.type must be email (the identity is checked against the learner\'s email)');
    if (r.hashed !== undefined && typeof r.hashed !== 'boolean') problems.push('recipient.hashed must be true or false');
    if (r.salt !== undefined && typeof r.salt !== 'string') problems.push('recipient.salt must be text');
  }
  return { problems, notes, recipientMatches: isObj(r) && email !== undefined && recipientMatches(r, email) };
}

export function recipientMatches(r: JsonObject, email: string): boolean {
  const identity = String(r.identity ?? '');
  if (r.hashed !== true) return identity.toLowerCase() === email.toLowerCase();
  const [alg, hex] = identity.split('$');
  if (alg !== 'sha256' || !hex) return false;
  const salt = typeof r.salt === 'string' ? r.salt : '';
  return createHash('sha256').update(email.toLowerCase() + salt).digest('hex') === hex.toLowerCase();
}
