import { INSTITUTION_SCOPES, type Scope } from '../auth/principal.js';
import { INSTITUTION_KINDS, type InstitutionKind } from './institutions.service.js';

/** Bad command-line input: the CLI prints the message and exits non-zero before opening the database. */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
}

const isKind = (k: string): k is InstitutionKind => (INSTITUTION_KINDS as readonly string[]).includes(k);
const isScope = (s: string): s is Scope => (INSTITUTION_SCOPES as readonly string[]).includes(s);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseInstitutionKind(value: string): InstitutionKind {
  if (isKind(value)) return value;
  throw new CliInputError(`--kind ${JSON.stringify(value)} is not an institution kind; use one of: ${INSTITUTION_KINDS.join(', ')}`);
}

/** A comma-separated scope list: every entry known, none repeated, at least one; undefined keeps the default. */
export function parseScopes(value: string | undefined): Scope[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new CliInputError('--scopes has an empty entry; give a comma-separated list such as catalogue:write,records:write');
  const unknown = items.filter((s) => !isScope(s));
  if (unknown.length > 0) throw new CliInputError(`--scopes: unknown scope ${unknown.join(', ')}; known scopes: ${INSTITUTION_SCOPES.join(', ')}`);
  const repeated = items.filter((s, i) => items.indexOf(s) !== i);
  if (repeated.length > 0) throw new CliInputError(`--scopes names ${repeated.join(', ')} more than once`);
  return items.filter(isScope);
}

export function parseInstitutionId(value: string): string {
  if (UUID.test(value)) return value;
  throw new CliInputError(`--institution ${JSON.stringify(value)} is not an institution id (a UUID)`);
}

/** A free-text option (a name, a reason): not blank, at most 500 characters. */
export function parseText(option: string, value: string): string {
  const text = value.trim();
  if (text === '') throw new CliInputError(`${option} must not be blank`);
  if (text.length > 500) throw new CliInputError(`${option} is longer than 500 characters`);
  return text;
}
