import type { FastifyInstance } from 'fastify';

/**
 * Fastify serialises a response through its schema (fast-json-stringify), which silently leaves out
 * a property the schema does not declare and turns a value of the wrong type into another (null into
 * "" or 0). So a field a handler returns can vanish from the API without any test noticing. Every
 * test service is watched: the handler's object (as JSON) is compared with what went on the wire,
 * and each difference is kept here; test/setup/serializer-check.ts fails the file that caused one.
 */
const losses: string[] = [];

/** The differences seen since the last call, and forgets them. */
export function takeSerializerLosses(): string[] {
  return losses.splice(0);
}

const BEFORE = Symbol('before serialisation');
type Watched = { [BEFORE]?: unknown };

export function watchSerializer(app: FastifyInstance): void {
  app.addHook('preSerialization', async (_req, reply, payload) => {
    // What JSON.stringify would have sent: Dates as ISO text, undefined members left out.
    (reply as Watched)[BEFORE] = JSON.parse(JSON.stringify(payload) ?? 'null');
    return payload;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const before = (reply as Watched)[BEFORE];
    if (before === undefined || typeof payload !== 'string') return payload;
    const found: string[] = [];
    let sent: unknown;
    try { sent = JSON.parse(payload); } catch { found.push('the body sent is not JSON'); }
    if (found.length === 0) compare(before, sent, '', found);
    for (const f of found.slice(0, 5)) losses.push(`${req.method} ${req.routeOptions.url ?? req.url} → ${reply.statusCode}: ${f}`);
    return payload;
  });
}

const show = (v: unknown) => (JSON.stringify(v) ?? 'undefined').slice(0, 80);

function compare(before: unknown, sent: unknown, path: string, out: string[]): void {
  if (before === sent) return;
  if (typeof before !== 'object' || typeof sent !== 'object' || before === null || sent === null || Array.isArray(before) !== Array.isArray(sent)) {
    out.push(`${path || '/'}: the handler gave ${show(before)}, the client got ${show(sent)}`);
    return;
  }
  const b = before as Record<string, unknown>; const s = sent as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!Object.hasOwn(s, k)) out.push(`${path}/${k}: left out by the response schema (the handler gave ${show(b[k])})`);
    else compare(b[k], s[k], `${path}/${k}`, out);
  }
  for (const k of Object.keys(s)) if (!Object.hasOwn(b, k)) out.push(`${path}/${k}: added by the serialiser (${show(s[k])})`);
}
