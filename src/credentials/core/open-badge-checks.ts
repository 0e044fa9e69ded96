/**
 * Shape checks for Open Badges 3.0 AchievementCredential / OpenBadgeCredential and CLR 2.0
 * ClrCredential: the properties the OB 3.0 data model (§B "Data Models") and CLR 2.0 mark as
 * required, and their types. Hand-written: 1EdTech's JSON Schemas are draft 2019-09 and were not
 * available here in their published form (see report). The proof is checked elsewhere.
 */
import type { JsonObject } from './did-key.js';
import { isJsonObject as isObject, typesOf } from './credential-fields.js';
import type { Problem } from './vcdm-checks.js';

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

type Check = (node: JsonObject, path: string) => Problem[];

function need(node: JsonObject, path: string, props: string[]): Problem[] {
  return props.filter((p) => node[p] === undefined || node[p] === '').map((p) => ({ path: `${path}${p}`, message: 'is required' }));
}
function needType(node: JsonObject, path: string, ...anyOf: string[]): Problem[] {
  return typesOf(node).some((t) => anyOf.includes(t)) ? [] : [{ path: `${path}type`, message: `must include ${anyOf.map((t) => `"${t}"`).join(' or ')}` }];
}
function needUri(node: JsonObject, path: string, prop: string): Problem[] {
  const v = node[prop];
  return v === undefined || (typeof v === 'string' && URI.test(v)) ? [] : [{ path: `${path}${prop}`, message: 'must be a URI' }];
}
function nonNegativeNumber(node: JsonObject, path: string, prop: string): Problem[] {
  const v = node[prop];
  return v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0) ? [] : [{ path: `${path}${prop}`, message: 'must be a non-negative number' }];
}
function each(node: JsonObject, path: string, prop: string, check: Check): Problem[] {
  return asArray(node[prop]).flatMap((v, i) => {
    const p = `${path}${prop}[${i}]`;
    return isObject(v) ? check(v, `${p}.`) : [{ path: p, message: 'must be an object' }];
  });
}
function one(node: JsonObject, path: string, prop: string, check: Check): Problem[] {
  const v = node[prop];
  if (v === undefined) return [{ path: `${path}${prop}`, message: 'is required' }];
  return isObject(v) ? check(v, `${path}${prop}.`) : [{ path: `${path}${prop}`, message: 'must be an object' }];
}

const profile: Check = (n, p) => [...need(n, p, ['id']), ...needUri(n, p, 'id'), ...needType(n, p, 'Profile')];
const identity: Check = (n, p) => [...needType(n, p, 'IdentityObject'), ...need(n, p, ['hashed', 'identityHash', 'identityType'])];
const alignment: Check = (n, p) => [...needType(n, p, 'Alignment'), ...need(n, p, ['targetName', 'targetUrl']), ...needUri(n, p, 'targetUrl')];
const resultDescription: Check = (n, p) => [...needType(n, p, 'ResultDescription'), ...need(n, p, ['id', 'name', 'resultType'])];
const result: Check = (n, p) => needType(n, p, 'Result');
const criteria: Check = (n, p) => (n.id === undefined && n.narrative === undefined ? [{ path: `${p.slice(0, -1)}`, message: 'needs id or narrative' }] : []);

const achievement: Check = (n, p) => [
  ...need(n, p, ['id', 'name', 'description']), ...needUri(n, p, 'id'), ...needType(n, p, 'Achievement'),
  ...one(n, p, 'criteria', criteria), ...nonNegativeNumber(n, p, 'creditsAvailable'),
  ...each(n, p, 'alignment', alignment), ...each(n, p, 'resultDescription', resultDescription),
  ...(n.creator === undefined ? [] : one(n, p, 'creator', profile)),
];

const achievementSubject: Check = (n, p) => [
  ...needType(n, p, 'AchievementSubject'),
  ...(n.id === undefined && asArray(n.identifier).length === 0 ? [{ path: `${p}id`, message: 'id or identifier is required' }] : []),
  ...needUri(n, p, 'id'), ...each(n, p, 'identifier', identity),
  ...one(n, p, 'achievement', achievement), ...nonNegativeNumber(n, p, 'creditsEarned'), ...each(n, p, 'result', result),
];

function credentialBase(c: JsonObject, contextPrefix: string): Problem[] {
  const ctx = asArray(c['@context']);
  const hasContext = ctx.some((u) => typeof u === 'string' && u.startsWith(contextPrefix));
  return [
    ...(hasContext ? [] : [{ path: '@context', message: `must include a ${contextPrefix}… context` }]),
    ...need(c, '', ['id', 'name']), ...needUri(c, '', 'id'),
    ...(c.validFrom === undefined && c.issuanceDate === undefined ? [{ path: 'validFrom', message: 'is required' }] : []),
    ...one(c, '', 'issuer', profile),
  ];
}

/** Problems in an OB 3.0 AchievementCredential / OpenBadgeCredential. */
export function checkAchievementCredential(credential: unknown): Problem[] {
  if (!isObject(credential)) return [{ path: '', message: 'must be an object' }];
  return [
    ...credentialBase(credential, 'https://purl.imsglobal.org/spec/ob/v3p0/'),
    ...needType(credential, '', 'AchievementCredential', 'OpenBadgeCredential'),
    ...one(credential, '', 'credentialSubject', achievementSubject),
  ];
}

const association: Check = (n, p) => [...needType(n, p, 'Association'), ...need(n, p, ['associationType', 'sourceId', 'targetId'])];

/** Problems in a CLR 2.0 ClrCredential, including every AchievementCredential it bundles. */
export function checkClrCredential(credential: unknown): Problem[] {
  if (!isObject(credential)) return [{ path: '', message: 'must be an object' }];
  const subject: Check = (n, p) => [
    ...needType(n, p, 'ClrSubject'),
    ...(asArray(n.verifiableCredential).length === 0 ? [{ path: `${p}verifiableCredential`, message: 'needs at least one credential' }] : []),
    ...asArray(n.verifiableCredential).flatMap((vc, i) =>
      checkAchievementCredential(vc).map((x) => ({ path: `${p}verifiableCredential[${i}]${x.path ? `.${x.path}` : ''}`, message: x.message }))),
    ...each(n, p, 'achievement', achievement), ...each(n, p, 'association', association),
  ];
  return [
    ...credentialBase(credential, 'https://purl.imsglobal.org/spec/clr/v2p0/'),
    ...needType(credential, '', 'ClrCredential'),
    ...one(credential, '', 'credentialSubject', subject),
  ];
}

/** Dispatches on type: CLR, OB, or [] for credentials that are neither. */
export function checkEducationCredential(credential: unknown): Problem[] {
  const types = typesOf(credential);
  if (types.includes('ClrCredential')) return checkClrCredential(credential);
  if (types.includes('AchievementCredential') || types.includes('OpenBadgeCredential')) return checkAchievementCredential(credential);
  return [];
}
