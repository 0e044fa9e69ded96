/**
 * Open Badges 2.0 assertion checks (our own; no network): required fields, hosted/signed
 * verification shape, an embedded BadgeClass, and the recipient identity (sha256$hash of
 * identity ‖ salt, or the clear identity) against the email the learner gives.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../core/did-key.js';

export interface Ob2Result { problems: string[]; recipientMatches: boolean; notes: string[] }
const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const URL_RE = /^https?:\/\/\S+$/;

export function isOb2Assertion(v: unknown): v is JsonObject {
  if (!isObj(v)) return false;
  const ctx = ([] as unknown[]).concat(v['@context'] ?? []);
  return ctx.some((c) => typeof c === 'string' && c.startsWith('https://w3id.org/openbadges/v2')) && ([] as unknown[]).concat(v.type ?? []).includes('Assertion');
}

/** `signed`: the assertion came as a JWS whose signature the caller checks; as plain JSON a signed assertion proves nothing. */
export function checkOb2(a: JsonObject, email: string | undefined, opts: { signed?: boolean; now?: Date } = {}): Ob2Result {
  const problems: string[] = []; const notes: string[] = [];
  for (const f of ['id', 'recipient', 'badge', 'verification', 'issuedOn']) if (a[f] === undefined) problems.push(`${f} is required`);
  const v = a.verification as JsonObject | undefined;
  const vt = String(v?.type ?? '').toLowerCase();
  if (v && vt !== 'hosted' && vt !== 'signed' && vt !== 'hostedbadge' && vt !== 'signedbadge') problems.push('verification.type must be hosted or signed');
  if (vt.startsWith('hosted')) {
    if (typeof a.id !== 'string' || !URL_RE.test(a.id)) problems.push('a hosted assertion id must be an http(s) URL');
    notes.push('hosted assertion: not re-fetched from its URL (offline); checked as supplied');
  }
  if (vt.startsWith('signed') && !opts.signed) problems.push('a signed assertion must be imported as its JWS: without the signature nothing proves it');
  if (vt.startsWith('signed') && opts.signed) notes.push('signed assertion: the issuer\'s revocationList is not fetched offline');
  if (typeof a.issuedOn === 'string' && Number.isNaN(Date.parse(a.issuedOn))) problems.push('issuedOn must be a date');
  if (typeof a.expires === 'string' && opts.now && Date.parse(a.expires) <= opts.now.getTime()) problems.push(`the assertion expired on ${a.expires}`);
  const badge = a.badge;
  if (isObj(badge)) {
    for (const f of ['id', 'name', 'description', 'criteria', 'issuer']) if (badge[f] === undefined) problems.push(`badge.${f} is required`);
  } else if (typeof badge === 'string') notes.push('badge class given by URL: not fetched offline');
  const r = a.recipient as JsonObject | undefined;
  if (r && (typeof r.identity !== 'string' || typeof r.type !== 'string')) problems.push('recipient needs type and identity');
  return { problems, notes, recipientMatches: r !== undefined && email !== undefined && recipientMatches(r, email) };
}

export function recipientMatches(r: JsonObject, email: string): boolean {
  const identity = String(r.identity ?? '');
  if (r.hashed !== true) return identity.toLowerCase() === email.toLowerCase();
  const [alg, hex] = identity.split('$');
  if (alg !== 'sha256' || !hex) return false;
  const salt = typeof r.salt === 'string' ? r.salt : '';
  return createHash('sha256').update(email.toLowerCase() + salt).digest('hex') === hex.toLowerCase();
}
