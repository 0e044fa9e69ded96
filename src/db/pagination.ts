import { badRequest } from '../errors.js';
import { isUuid } from './ids.js';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity) return key;
  } catch {
    // fall through to the problem below
  }
  throw badRequest('invalid_cursor', 'The cursor is not one this service issued', [{ pointer: '/query/cursor', message: 'invalid cursor' }]);
}

/**
 * A keyset cursor of a timestamp (ISO text) and a UUID, as toPage writes it for rows ordered by a
 * time then their id; anything else is the same 400 as an undecodable cursor.
 */
export function decodeTimeIdCursor(cursor: string | undefined): [string, string] | undefined {
  const key = decodeCursor(cursor, 2);
  if (key === undefined) return undefined;
  const [at, id] = key;
  if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && isUuid(id)) return [at, id];
  throw badRequest('invalid_cursor', 'The cursor is not one this service issued', [{ pointer: '/query/cursor', message: 'invalid cursor' }]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Takes limit+1 rows and turns the extra one into the next cursor. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, key: (row: R) => unknown[]): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return { items: shown.map(map), nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}
