import type { JsonObject } from '../core/did-key.js';
import { asJsonObject as obj, issuerId, subjectId, typesOf } from '../core/credential-fields.js';
import type { CredentialSummary } from './check-results.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

const optional = <K extends string>(k: K, v: string | undefined) => (v === undefined ? {} : { [k]: v } as Record<K, string>);

/** The first OB 3.0 Result's value, if the subject carries one. */
function firstResult(subject: JsonObject | undefined): string | undefined {
  const results = subject?.result;
  return str(obj(Array.isArray(results) ? results[0] : results)?.value);
}

/** Who issued what to whom and when, for the report and the public page. */
export function summarise(c: JsonObject | undefined, format: string, known: boolean): CredentialSummary {
  if (!c) return { types: [], format, issuer: { known }, subject: { hashedIdentifier: false } };
  const subject = obj(Array.isArray(c.credentialSubject) ? c.credentialSubject[0] : c.credentialSubject);
  const achievement = obj(subject?.achievement);
  return {
    id: str(c.id), types: typesOf(c), format,
    issuer: { id: issuerId(c), name: str(obj(c.issuer)?.name), known },
    subject: { id: subjectId(c), hashedIdentifier: Array.isArray(subject?.identifier) && subject.identifier.length > 0 },
    name: str(c.name),
    ...(achievement ? { achievement: { name: str(achievement.name), type: str(achievement.achievementType), creditsAvailable: num(achievement.creditsAvailable) } } : {}),
    creditsEarned: num(subject?.creditsEarned),
    validFrom: str(c.validFrom ?? c.issuanceDate), validUntil: str(c.validUntil ?? c.expirationDate),
    ...optional('result', firstResult(subject)), ...optional('activityEndDate', str(subject?.activityEndDate)),
  };
}
