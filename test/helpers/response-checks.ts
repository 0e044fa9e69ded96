import type { FastifyInstance } from 'fastify';

/**
 * Checks every response a test service sends; test/setup/response-checks.ts fails the file that
 * caused a finding.
 *
 * - Fastify serialises a response through its schema (fast-json-stringify), which silently leaves
 *   out a property the schema does not declare and turns a value of the wrong type into another
 *   (null into "" or 0). So a field a handler returns can vanish from the API without any test
 *   noticing: the handler's object (as JSON) is compared with what went on the wire.
 * - Bad input gets a problem that names the failing field: every 400 and 422 problem carries at
 *   least one `errors[].pointer`.
 */
const findings: string[] = [];

/** The findings since the last call, and forgets them. */
export function takeResponseFindings(): string[] {
  return findings.splice(0);
}

const BEFORE = Symbol('before serialisation');
type Watched = { [BEFORE]?: unknown };

export function watchResponses(app: FastifyInstance): void {
  app.addHook('preSerialization', async (_req, reply, payload) => {
    // What JSON.stringify would have sent: Dates as ISO text, undefined members left out.
    (reply as Watched)[BEFORE] = JSON.parse(JSON.stringify(payload) ?? 'null');
    return payload;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (typeof payload !== 'string') return payload;
    const found: string[] = [];
    let sent: unknown;
    try { sent = JSON.parse(payload); } catch { sent = undefined; }
    const before = (reply as Watched)[BEFORE];
    if (before !== undefined) {
      if (sent === undefined) found.push('the body sent is not JSON');
      else compare(before, sent, '', found);
    }
    if ((reply.statusCode === 400 || reply.statusCode === 422) && !namesAField(sent)) found.push(`a problem that names no field: ${show(sent)}`);
    for (const f of found.slice(0, 5)) findings.push(`${req.method} ${req.routeOptions.url ?? req.url} → ${reply.statusCode}: ${f}`);
    return payload;
  });
}

/** A problem with a pointer; or not a problem at all (the VC-API's 400 verification report). */
function namesAField(body: unknown): boolean {
  const b = body as { code?: unknown; errors?: { pointer?: unknown }[] } | undefined;
  if (typeof b?.code !== 'string') return true;
  return Array.isArray(b.errors) && b.errors.some((e) => typeof e?.pointer === 'string' && e.pointer.length > 0);
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
