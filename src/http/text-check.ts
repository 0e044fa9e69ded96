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

/** The JSON pointer of the first string (value or key) in `value` that cannot be stored, or undefined. */
export function unstorableText(value: unknown, at = ''): { pointer: string; message: string } | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? { pointer: at, message: describe(value) } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableText(value[i], `${at}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return undefined; // a Buffer, an NDJSON stream
  for (const [k, v] of Object.entries(value)) {
    const key = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (UNSTORABLE.test(k)) return { pointer: key, message: `the field name ${describe(k)}` };
    const found = unstorableText(v, key);
    if (found) return found;
  }
  return undefined;
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
