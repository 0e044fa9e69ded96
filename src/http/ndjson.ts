import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

/**
 * Newline-delimited JSON for bulk routes. The parser hands the raw request stream to the handler,
 * which reads it line by line with `ndjsonLines`, so a batch of any size never sits in memory.
 * Register it inside the plugin of a bulk route (it is encapsulated to that plugin).
 */
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

export function registerNdjson(app: FastifyInstance): void {
  app.addContentTypeParser(NDJSON_TYPES, (_req, payload, done) => done(null, payload));
}

export interface NdjsonLine {
  /** 1-based line number in the whole input (blank lines count). */
  line: number;
  text: string;
  /** Byte offset just past this line's newline: where a resumed read starts. */
  endOffset: number;
  /** Set when the line cannot be read, e.g. it is longer than the limit. */
  error?: 'line_too_long';
}

const NL = 0x0a;

/** Splits a byte stream into lines with exact byte offsets; blank lines are skipped but counted. */
export async function* ndjsonLines(stream: Readable | AsyncIterable<Buffer | string>,
  opts: { maxLineBytes?: number; maxBytes?: number; startOffset?: number; startLine?: number } = {}): AsyncGenerator<NdjsonLine> {
  const maxLine = opts.maxLineBytes ?? 1024 * 1024;
  let base = opts.startOffset ?? 0; // absolute offset of the current chunk's first byte
  let line = opts.startLine ?? 0;
  let parts: Buffer[] = [];
  let partLen = 0;
  let overlong = false;
  let total = 0;
  const append = (seg: Buffer) => {
    if (overlong || seg.length === 0) return;
    // An overlong line is skipped: only its end is looked for, its bytes are not kept.
    if (partLen + seg.length > maxLine) { overlong = true; parts = []; partLen = 0; return; }
    parts.push(Buffer.from(seg));
    partLen += seg.length;
  };
  const finish = (endOffset: number): NdjsonLine | undefined => {
    line += 1;
    const text = Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
    const wasOverlong = overlong;
    parts = []; partLen = 0; overlong = false;
    if (wasOverlong) return { line, text: '', endOffset, error: 'line_too_long' };
    return text.trim() === '' ? undefined : { line, text, endOffset };
  };
  for await (const chunk of stream) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += data.length;
    if (opts.maxBytes !== undefined && total > opts.maxBytes) throw new RangeError(`the body exceeds ${opts.maxBytes} bytes`);
    let i = 0;
    for (let nl = data.indexOf(NL, i); nl >= 0; nl = data.indexOf(NL, i)) {
      append(data.subarray(i, nl));
      const out = finish(base + nl + 1);
      if (out) yield out;
      i = nl + 1;
    }
    append(data.subarray(i));
    base += data.length;
  }
  if (partLen > 0 || overlong) {
    const out = finish(base);
    if (out) yield out;
  }
}
