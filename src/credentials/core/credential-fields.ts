import type { JsonObject } from './did-key.js';

/** A JSON object: not null, not an array (credentials from outside may hold either anywhere). */
export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The value when it is a JSON object, else undefined. */
export const asJsonObject = (v: unknown): JsonObject | undefined => (isJsonObject(v) ? v : undefined);

const OB_TYPES = ['OpenBadgeCredential', 'AchievementCredential', 'ClrCredential', 'EndorsementCredential'];

/** The `type` value(s) of a node as an array. */
export function typesOf(node: unknown): string[] {
  const t = (node as JsonObject | undefined)?.type;
  return Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
}

/** True for Open Badges 3.0 and CLR 2.0 credential types. */
export function isOpenBadgeLike(credential: JsonObject): boolean {
  return typesOf(credential).some((t) => OB_TYPES.includes(t));
}

/** The issuer id whether `issuer` is a string or a profile object. */
export function issuerId(credential: JsonObject): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  const id = (issuer as JsonObject | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** The id of the (first) credential subject. */
export function subjectId(credential: JsonObject): string | undefined {
  const s = Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject;
  const id = (s as JsonObject | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** A JWT NumericDate (whole seconds) for an XML Schema dateTime string; undefined if absent/invalid. */
export function toNumericDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
