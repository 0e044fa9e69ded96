/**
 * VC Data Model 2.0 rules that @digitalbazaar/vc does not enforce (or enforces only on issue).
 * Returns problems with JSON paths instead of throwing, so a verifier can show each one.
 */
import { CONTEXT_URLS } from './context-store.js';
import type { JsonObject } from './did-key.js';
import { isJsonObject as isObject, typesOf } from './credential-fields.js';

export interface Problem {
  path: string;
  message: string;
}

// XML Schema dateTimeStamp: a dateTime that MUST carry a time zone.
const DATE_TIME_STAMP = /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;
// An absolute URL or URN: a scheme then ':' (RFC 3986 §3.1).
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/** True for an XML Schema dateTimeStamp string (time zone required). */
export function isDateTimeStamp(value: unknown): value is string {
  return typeof value === 'string' && DATE_TIME_STAMP.test(value) && !Number.isNaN(Date.parse(value));
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Which entry properties need `type`, and which also need `id` (VCDM 2.0 §4.10–5.7; refreshService per VCDM 1.1 and issue 7). */
const TYPED_ENTRIES: Record<string, { id: boolean }> = {
  credentialSchema: { id: true },
  refreshService: { id: true },
  credentialStatus: { id: false },
  evidence: { id: false },
  termsOfUse: { id: false },
};

function checkContext(c: JsonObject, acceptV1: boolean): Problem[] {
  const ctx = c['@context'];
  if (!Array.isArray(ctx) || ctx.length === 0) return [{ path: '@context', message: 'must be a non-empty array' }];
  const problems: Problem[] = [];
  const first = ctx[0];
  if (first !== CONTEXT_URLS.credentialsV2 && !(acceptV1 && first === CONTEXT_URLS.credentialsV1)) {
    problems.push({ path: '@context[0]', message: `must be "${CONTEXT_URLS.credentialsV2}"` });
  }
  ctx.forEach((entry, i) => {
    if (!(typeof entry === 'string' && URL_LIKE.test(entry)) && !isObject(entry)) {
      problems.push({ path: `@context[${i}]`, message: 'must be a URL or an object' });
    }
  });
  return problems;
}

function checkCore(c: JsonObject): Problem[] {
  const problems: Problem[] = [];
  if (!typesOf(c).includes('VerifiableCredential')) problems.push({ path: 'type', message: 'must include "VerifiableCredential"' });
  if (c.id !== undefined && !(typeof c.id === 'string' && URL_LIKE.test(c.id))) problems.push({ path: 'id', message: 'must be a URL' });
  const issuer = isObject(c.issuer) ? c.issuer.id : c.issuer;
  if (!(typeof issuer === 'string' && URL_LIKE.test(issuer))) problems.push({ path: 'issuer', message: 'must be a URL or an object with a URL id' });
  const subjects = asArray(c.credentialSubject);
  if (subjects.length === 0) problems.push({ path: 'credentialSubject', message: 'is required' });
  subjects.forEach((s, i) => {
    if (!isObject(s)) problems.push({ path: `credentialSubject[${i}]`, message: 'must be an object' });
    else if (Object.keys(s).length === 0) problems.push({ path: `credentialSubject[${i}]`, message: 'must make a claim (it has no properties)' });
    else if (s.id !== undefined && !(typeof s.id === 'string' && URL_LIKE.test(s.id))) {
      problems.push({ path: `credentialSubject[${i}].id`, message: 'must be a URL' });
    }
  });
  return problems;
}

function checkDates(c: JsonObject, isV1: boolean): Problem[] {
  const problems: Problem[] = [];
  const names = isV1 ? ['issuanceDate', 'expirationDate'] : ['validFrom', 'validUntil'];
  if (isV1 && c.issuanceDate === undefined) problems.push({ path: 'issuanceDate', message: 'is required in VCDM 1.1' });
  for (const name of names) {
    if (c[name] !== undefined && !isDateTimeStamp(c[name])) {
      problems.push({ path: name, message: 'must be an XML Schema dateTimeStamp with a time zone' });
    }
  }
  const [from, until] = names.map((n) => c[n]);
  if (isDateTimeStamp(from) && isDateTimeStamp(until) && Date.parse(from) > Date.parse(until)) {
    problems.push({ path: names[1]!, message: `must not be before ${names[0]}` });
  }
  return problems;
}

function checkTypedEntries(c: JsonObject): Problem[] {
  const problems: Problem[] = [];
  for (const [prop, rule] of Object.entries(TYPED_ENTRIES)) {
    asArray(c[prop]).forEach((entry, i) => {
      const path = `${prop}[${i}]`;
      if (!isObject(entry)) { problems.push({ path, message: 'must be an object' }); return; }
      if (typesOf(entry).length === 0) problems.push({ path: `${path}.type`, message: 'is required' });
      if (rule.id && !(typeof entry.id === 'string' && URL_LIKE.test(entry.id))) problems.push({ path: `${path}.id`, message: 'is required and must be a URL' });
      else if (entry.id !== undefined && !(typeof entry.id === 'string' && URL_LIKE.test(entry.id))) problems.push({ path: `${path}.id`, message: 'must be a URL' });
    });
  }
  return problems;
}

function checkRelatedResources(c: JsonObject): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  asArray(c.relatedResource).forEach((r, i) => {
    const path = `relatedResource[${i}]`;
    if (!isObject(r)) { problems.push({ path, message: 'must be an object' }); return; }
    if (!(typeof r.id === 'string' && URL_LIKE.test(r.id))) problems.push({ path: `${path}.id`, message: 'is required and must be a URL' });
    else if (seen.has(r.id)) problems.push({ path: `${path}.id`, message: 'duplicates an earlier relatedResource id' });
    else seen.add(r.id);
    if (typeof r.digestSRI !== 'string' && typeof r.digestMultibase !== 'string') {
      problems.push({ path, message: 'needs digestSRI or digestMultibase' });
    }
  });
  return problems;
}

/** All VCDM rule violations of a credential; an empty list means it passed. */
export function checkVcdm(credential: unknown, opts: { acceptV1?: boolean } = {}): Problem[] {
  if (!isObject(credential)) return [{ path: '', message: 'credential must be a JSON object' }];
  const ctx = credential['@context'];
  const isV1 = Array.isArray(ctx) && ctx[0] === CONTEXT_URLS.credentialsV1 && opts.acceptV1 === true;
  return [
    ...checkContext(credential, opts.acceptV1 === true),
    ...checkCore(credential),
    ...checkDates(credential, isV1),
    ...checkTypedEntries(credential),
    ...checkRelatedResources(credential),
  ];
}

export type ValidityState = 'valid' | 'not-yet-valid' | 'expired';

/** Whether `now` lies in the credential's validity period (VCDM 2.0 or 1.1 property names). */
export function validityAt(credential: JsonObject, now: Date): ValidityState {
  const from = credential.validFrom ?? credential.issuanceDate;
  const until = credential.validUntil ?? credential.expirationDate;
  if (typeof from === 'string' && Date.parse(from) > now.getTime()) return 'not-yet-valid';
  if (typeof until === 'string' && Date.parse(until) < now.getTime()) return 'expired';
  return 'valid';
}
