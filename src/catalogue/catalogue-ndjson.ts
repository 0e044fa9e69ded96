import { StringDecoder } from 'node:string_decoder';
import { Compile } from 'typebox/compile';
import { AppError } from '../errors.js';
import { CatalogueItemInput } from './catalogue.schemas.js';
import { unstorableText } from '../http/text-check.js';
import type { ItemProblem } from './catalogue-validation.js';

export interface NdjsonLine { line: number; text: string }

/**
 * Lines of an NDJSON body as they arrive, never the whole body in memory. Counts bytes against
 * `limit` (the route's body limit does not apply to a raw stream). Blank lines are skipped but
 * counted, so line numbers match the client's file.
 */
export async function* ndjsonLines(stream: AsyncIterable<Buffer | string>, limit: number): AsyncGenerator<NdjsonLine> {
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let pending = '';
  let line = 0;
  for await (const chunk of stream) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (bytes > limit) throw new AppError(413, 'body_too_large', `The batch exceeds ${limit} bytes; split it`);
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
      line += 1;
      if (text.trim() !== '') yield { line, text };
    }
  }
  pending += decoder.end();
  if (pending.trim() !== '') yield { line: line + 1, text: pending.replace(/\r$/, '') };
}

const check = Compile(CatalogueItemInput);

interface SchemaError { keyword: string; instancePath: string; params: Record<string, unknown>; message: string }

function pointerOf(e: SchemaError): string {
  const extra = (e.params.additionalProperties as string[] | undefined)?.[0] ?? (e.params.requiredProperties as string[] | undefined)?.[0];
  return extra ? `${e.instancePath}/${extra}` : e.instancePath || '/';
}

/** One line parsed and shape-checked like the single-item route's body (unknown fields rejected). */
export function parseLine(text: string): { input: CatalogueItemInput } | { problems: ItemProblem[]; code?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { problems: [{ code: 'malformed_json', pointer: '/', message: `Not JSON: ${(err as Error).message}` }] };
  }
  const unstorable = unstorableText(data);
  if (unstorable) return { problems: [{ code: 'unstorable_text', pointer: unstorable.pointer || '/', message: unstorable.message }] };
  if (check.Check(data)) return { input: data };
  const errors = ([...check.Errors(data)] as SchemaError[]).filter((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf');
  const unknown = errors.some((e) => e.keyword === 'additionalProperties');
  const code = typeof (data as { code?: unknown })?.code === 'string' ? (data as { code: string }).code : undefined;
  return {
    code,
    problems: errors.slice(0, 20).map((e) => ({ code: unknown ? 'unknown_field' : 'validation_failed', pointer: pointerOf(e), message: e.message })),
  };
}
