import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/**
 * Text that PostgreSQL cannot store, refused at the edge. PostgreSQL's text and jsonb take no NUL
 * (U+0000: "invalid byte sequence" / "unsupported Unicode escape sequence"), so a name, reason or
 * credential holding one failed deep in a service with a 500. A JSON string may also carry an
 * unpaired UTF-16 surrogate ("\udfff"), which has no UTF-8 form: the driver would silently store
 * U+FFFD instead, so a signed credential or a natural key would no longer be what was sent.
 */
const UNSTORABLE = /\u0000|\p{Cs}/u;

function describe(s: string): string {
  return s.includes('\u0000') ? 'contains a NUL character (U+0000)' : 'contains an unpaired UTF-16 surrogate';
}

/** The path (keys and indexes) to the first unstorable string in `value`, innermost last; the key itself when it is the key. */
function findUnstorable(value: unknown): { path: (string | number)[]; text: string; isKey: boolean } | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? { path: [], text: value, isKey: false } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i]);
      if (found) { found.path.unshift(i); return found; }
    }
    return undefined;
  }
  if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return undefined; // a Buffer, an NDJSON stream
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    if (UNSTORABLE.test(k)) return { path: [k], text: k, isKey: true };
    const found = findUnstorable((value as Record<string, unknown>)[k]);
    if (found) { found.path.unshift(k); return found; }
  }
  return undefined;
}

/**
 * The JSON pointer (under `at`) of the first string, value or field name, in `value` that cannot be
 * stored, or undefined. The pointer is built only when something is found: the walk runs on every
 * request body, credentials and presentations included.
 */
export function unstorableText(value: unknown, at = ''): { pointer: string; message: string } | undefined {
  const found = findUnstorable(value);
  if (!found) return undefined;
  const pointer = at + found.path.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  return { pointer, message: found.isKey ? `the field name ${describe(found.text)}` : describe(found.text) };
}

/** Refuses, before validation, a request whose parameters, query or JSON body hold unstorable text. */
export function registerTextCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    for (const [part, value] of [['params', req.params], ['querystring', req.query], ['body', req.body]] as const) {
      const found = unstorableText(value, `/${part}`);
      if (found) {
        throw new AppError(400, 'unstorable_text', `${found.pointer} ${found.message}, which the service does not accept in any text`,
          { errors: [{ pointer: found.pointer, message: found.message }] });
      }
    }
  });
}
