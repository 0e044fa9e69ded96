import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { bearer, operatorToken, tokenFor } from '../helpers/factories.js';
import { ODD, paths, withValue, type Json } from '../helpers/json-variants.js';
import { EXTREME_STRINGS, schemaArbitrary, type Schema } from '../helpers/schema-arbitrary.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Every operation in the OpenAPI document, called with requests generated from its own schemas (real
 * identifiers from the demo data in the id fields, every token kind, sometimes one field of the wrong
 * type), and every route again with bodies that passed in the rest of the suite
 * (test/fixtures/valid-requests.json), their ids swapped for the demo data's, one field removed or
 * of the wrong type: the answer is never a 5xx, and every 4xx is an RFC 9457 problem with a code.
 * The NDJSON batch routes get batches of such lines and broken ones: one result per line, always.
 * Routes that honour Idempotency-Key get keys too, and each keyed request is retried (see sweep).
 * FUZZ_RUNS and FUZZ_SEED widen or replay a run; a failure prints its seed and the shrunk request.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);

let t: TestApp;
let tokens: Record<string, string | undefined>;
const pools: Record<string, string[]> = {};
/** Path parameters that only make sense together (an item of that request), by the path's prefix. */
const pairs: { prefix: string; values: Record<string, string>[] }[] = [];
const pairsOf = async (prefix: string, query: string): Promise<void> => {
  pairs.push({ prefix, values: (await sql<Record<string, string>>`${sql.raw(query)}`.execute(t.ctx.db)).rows });
};

const ids = async (table: string, column = 'id', where = sql`true`): Promise<string[]> =>
  (await sql<{ v: string }>`select distinct ${sql.ref(column)}::text as v from ${sql.table(table)} where ${where} limit 20`.execute(t.ctx.db)).rows.map((r) => r.v);

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.ctx);
  const idTok = await t.app.inject({ method: 'POST', url: '/dev-idp/id-tokens', payload: { sub: 'li-hua', residentId: '44010619900307001X' } });
  const ex = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: idTok.json().id_token, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' } });
  tokens = {
    none: undefined,
    operator: await operatorToken(t.app),
    institution: await tokenFor(t.app, 'demo-lingnan-open-university', 'demo-secret-lingnan-open-university'),
    otherInstitution: await tokenFor(t.app, 'demo-harbour-college', 'demo-secret-harbour-college'),
    learner: ex.json().access_token,
  };
  // More state for the stateful routes: Li Hua asks every demo institution to recognise her whole
  // record, which leaves items queued for review (decisions, appeals) besides the demo's one.
  const liHua = (await t.app.inject({ method: 'GET', url: '/me', headers: bearer(tokens.learner!) })).json().id as string;
  const own = (await sql<{ id: string }>`select id from achievements where learner_id = ${liHua}`.execute(t.ctx.db)).rows.map((r) => r.id);
  for (const target of await ids('institutions')) {
    await t.app.inject({ method: 'POST', url: '/recognition/requests', headers: bearer(tokens.learner!), payload: { targetInstitutionId: target, achievementIds: own } });
  }
  Object.assign(pools, {
    institutions: [...await ids('institutions'), ...await ids('institutions', 'slug')], dids: await ids('institutions', 'did'), learners: await ids('learners'),
    catalogue: await ids('catalogue_items'), achievements: await ids('achievements'), rules: await ids('recognition_rules'),
    agreements: await ids('recognition_agreements'), requests: await ids('recognition_requests'), items: await ids('recognition_items'),
    credentials: await ids('credentials'), statusLists: await ids('status_lists'), awards: await ids('awards'),
    programmes: await ids('programme_versions', 'programme_id'), frameworks: await ids('framework_versions', 'id', sql`kind = 'framework'`),
    keys: await ids('keys'), shares: await ids('record_shares'), waivers: await ids('requirement_waivers'), trusted: await ids('trusted_issuers'),
    codes: await ids('catalogue_items', 'code'), creditSystems: await ids('framework_versions', 'id', sql`kind = 'credit-system'`),
    gradingSchemes: await ids('framework_versions', 'id', sql`kind = 'grading-scheme'`),
  });
  await pairsOf('/recognition/requests/{id}/items/{itemId}', 'select request_id::text as id, id::text as "itemId" from recognition_items limit 40');
  await pairsOf('/learners/{id}/shares/{shareId}', 'select learner_id::text as id, id::text as "shareId" from record_shares limit 20');
  await pairsOf('/learners/{id}/waivers/{waiverId}', 'select learner_id::text as id, id::text as "waiverId" from requirement_waivers limit 20');
  await pairsOf('/agreements/{id}/parties/{institutionId}', 'select agreement_id::text as id, institution_id::text as "institutionId" from recognition_agreement_parties limit 20');
  await pairsOf('/learners/{id}/audits/{programmeId}', 'select learner_id::text as id, programme_id as "programmeId" from programme_enrolments limit 20');
}, 240_000);
afterAll(async () => t?.close());

/** Real values for a field or path parameter, by its name (and, for `id`, the collection before it). */
function realValues(name: string | undefined, collection?: string): string[] {
  const byCollection: Record<string, string> = {
    institutions: 'institutions', learners: 'learners', catalogue: 'catalogue', achievements: 'achievements', rules: 'rules',
    agreements: 'agreements', requests: 'requests', credentials: 'credentials', 'status-lists': 'statusLists', awards: 'awards',
    frameworks: 'frameworks', keys: 'keys', 'trusted-issuers': 'trusted', shares: 'shares', waivers: 'waivers', programmes: 'programmes', verify: 'credentials',
  };
  const byName: Record<string, string> = {
    institutionId: 'institutions', targetInstitutionId: 'institutions', sourceInstitutionId: 'institutions', awardingInstitution: 'institutions',
    institution: 'institutions', ownerId: 'institutions', learnerId: 'learners', catalogueItemId: 'catalogue', itemId: 'items',
    achievementId: 'achievements', achievementIds: 'achievements', ruleId: 'rules', agreementId: 'agreements', programmeId: 'programmes',
    frameworkId: 'frameworks', framework: 'frameworks', keyId: 'keys', shareId: 'shares', waiverId: 'waivers', credentialId: 'credentials',
    requestId: 'requests', code: 'codes', issuer: 'dids', creditSystemId: 'creditSystems', creditSystem: 'creditSystems',
    gradingSchemeId: 'gradingSchemes',
  };
  const pool = (name === 'id' && collection ? byCollection[collection] : undefined) ?? (name ? byName[name] ?? byName[name.replace(/s$/, '')] : undefined);
  return pool ? pools[pool] ?? [] : [];
}

function pick(name: string | undefined, schema: Schema): fc.Arbitrary<string> | undefined {
  const real = realValues(name);
  if (real.length === 0) return schema.format === 'uuid' ? fc.oneof(fc.uuid(), fc.constantFrom(...Object.values(pools).flat())) : undefined;
  return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: fc.uuid() });
}

/** One field of `body` removed, given the wrong type, or given a value at the edge (see EXTREME_STRINGS). */
const oddly = (body: unknown) => fc.constantFrom(...(paths(body as Json).length ? paths(body as Json) : [[]]))
  .chain((p) => fc.constantFrom(...ODD, ...EXTREME_STRINGS, 2 ** 31, 1e21, -1).map((v) => (p.length ? withValue(body as Json, p, v) : v ?? null)));

interface Operation { method: string; path: string; op: any }
function operations(): Operation[] {
  const spec = t.app.swagger() as any;
  return Object.entries<any>(spec.paths).flatMap(([path, ops]) => Object.entries<any>(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}

/** Path parameters: mostly a pair that belongs together where the path has one, else each on its own. */
function withPairs(path: string, single: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const together = pairs.find((p) => path.startsWith(p.prefix) && p.values.length > 0);
  return together ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...together.values) }, { weight: 1, arbitrary: single }) : single;
}

function requestArbitrary({ path, op }: Operation) {
  const params: any[] = op.parameters ?? [];
  const segments = path.split('/');
  const pathArb = fc.record(Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => {
    const at = segments.indexOf(`{${p.name}}`);
    const real = realValues(p.name, segments[at - 1]);
    const own = schemaArbitrary(p.schema, {}, p.name);
    return [p.name, real.length ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: own }) : own];
  })));
  // A page cursor is mostly left out: a generated one is refused before anything else is read.
  const queryArb = fc.record(Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => {
    const value = schemaArbitrary(p.schema, { pick }, p.name);
    const absent = ['cursor', 'after'].includes(p.name) ? 6 : 1;
    return [p.name, p.required ? value : fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value })];
  })));
  const bodySchema: Schema | undefined = op.requestBody?.content?.['application/json']?.schema;
  const bodyArb = bodySchema
    ? schemaArbitrary(bodySchema, { pick }).chain((b) => fc.oneof({ weight: 3, arbitrary: fc.constant(b) }, { weight: 1, arbitrary: oddly(b) }))
    : fc.constant(undefined);
  return fc.record({ token: fc.constantFrom(...Object.keys(tokens)), params: withPairs(path, pathArb), query: queryArb, body: bodyArb });
}

/** Bodies that passed in the rest of the suite, by route (see test/fixtures/valid-requests.build.ts). */
const recorded = JSON.parse(readFileSync(new URL('../fixtures/valid-requests.json', import.meta.url), 'utf8')) as Record<string, Json[]>;

const UUID = /^(urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A recorded body with its identifiers swapped for real ones of this database (or kept), field by field. */
function remapped(body: Json): fc.Arbitrary<Json> {
  const swaps: { path: (string | number)[]; values: string[] }[] = [];
  const walk = (x: Json, at: (string | number)[]) => {
    if (x === null || typeof x !== 'object') {
      if (typeof x !== 'string' || at.length === 0) return;
      const key = at.filter((k) => typeof k === 'string').at(-1) as string;
      const parent = at.filter((k) => typeof k === 'string').at(-2);
      const real = key === 'id' && parent === 'issuer' ? pools.dids! : realValues(key);
      const values = real.length ? real : UUID.test(x) ? Object.values(pools).flat().filter((v) => UUID.test(v)) : [];
      if (values.length) swaps.push({ path: at, values: [x, ...values] });
      return;
    }
    for (const [k, v] of Object.entries(x)) walk(v as Json, [...at, Array.isArray(x) ? Number(k) : k]);
  };
  walk(body, []);
  return fc.tuple(...swaps.map((s) => fc.constantFrom(...s.values))).map((picked) =>
    picked.reduce<Json>((b, v, i) => withValue(b, swaps[i]!.path, v), body));
}

function recordedRequestArbitrary({ path, op }: Operation, bodies: Json[]) {
  const params: any[] = op.parameters ?? [];
  const segments = path.split('/');
  const pathArb = fc.record(Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => {
    const real = realValues(p.name, segments[segments.indexOf(`{${p.name}}`) - 1]);
    return [p.name, real.length ? fc.constantFrom(...real) : schemaArbitrary(p.schema, {}, p.name)];
  })));
  const bodyArb = fc.constantFrom(...bodies).chain(remapped)
    .chain((b) => fc.oneof({ weight: 1, arbitrary: fc.constant(b) }, { weight: 3, arbitrary: oddly(b) }));
  return fc.record({ token: fc.constantFrom('operator', 'institution', 'otherInstitution', 'learner'), params: withPairs(path, pathArb), query: fc.constant({}), body: bodyArb });
}

function url(path: string, params: Record<string, unknown>, query: Record<string, unknown>): string {
  // encodeURIComponent throws on an unpaired surrogate; a client would send its UTF-8 replacement's bytes.
  const encode = (v: unknown) => [...Buffer.from(String(v), 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  const p = path.replace(/\{(\w+)\}/g, (_, k: string) => encode(params[k]));
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).flatMap(([k, v]): [string, string][] => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]])));
  return q.size ? `${p}?${q}` : p;
}

type Request = { token: string; params: Record<string, unknown>; query: Record<string, unknown>; body: unknown };

/**
 * Idempotency-Key values for routes that honour one: none, a key of its own, a key shared with other
 * requests (another route or body: 422 idempotency_key_reused), or one of the wrong syntax.
 */
const KEYS = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant('fresh') },
  { weight: 1, arbitrary: fc.constantFrom('shared-1', 'shared-2') },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'k'.repeat(201), 'naïve', 'a b') },
);
let freshKeys = 0;
const honoursKey = (op: any) => (op.parameters ?? []).some((p: { in: string; name: string }) => p.in === 'header' && p.name === 'idempotency-key');

/**
 * Runs the property on each operation; returns the failures (with their shrunk request) and how many answers were 2xx.
 * A request sent with an Idempotency-Key that did not get a 5xx is sent again: the retry must get the
 * same status, and a replayed one the same body and Location.
 */
async function sweep(ops: { operation: Operation; arbitrary: fc.Arbitrary<Request> }[]): Promise<{ failures: string[]; reached2xx: number; replayed: number }> {
  const failures: string[] = [];
  let reached2xx = 0;
  let replayed = 0;
  const codes = new Map<string, string[]>();
  for (const { operation, arbitrary } of ops) {
    const withKey = honoursKey(operation.op) ? fc.tuple(arbitrary, KEYS) : arbitrary.map((r) => [r, undefined] as const);
    const result = await fc.check(fc.asyncProperty(withKey, async ([r, keyChoice]) => {
      const token = tokens[r.token];
      const key = keyChoice === 'fresh' ? `fuzz-${++freshKeys}` : keyChoice;
      const send = () => t.app.inject({
        method: operation.method as any, url: url(operation.path, r.params, r.query),
        headers: { ...(token ? bearer(token) : {}), ...(key !== undefined ? { 'idempotency-key': key } : {}) },
        ...(r.body !== undefined ? { payload: r.body as any } : {}),
      });
      const res = await send();
      if (res.statusCode < 300) reached2xx++;
      if (process.env.FUZZ_REPORT) codes.set(`${operation.method} ${operation.path}`, [...(codes.get(`${operation.method} ${operation.path}`) ?? []), res.statusCode < 300 ? '2xx' : `${res.statusCode} ${res.json().code ?? res.json().reason}`]);
      if (res.statusCode >= 500) return false;
      if (res.statusCode >= 400 && !isProblem(operation, res)) return false;
      if (key === undefined) return true;
      const retry = await send();
      if (retry.statusCode !== res.statusCode) return false;
      if (retry.headers['idempotent-replayed'] !== 'true') return true;
      replayed++;
      return isDeepStrictEqual(retry.json(), res.json()) && retry.headers.location === res.headers.location
        && retry.headers['content-type'] === res.headers['content-type'];
    }), { numRuns: RUNS, seed: SEED, endOnFailure: false });
    if (result.failed) failures.push(`${operation.method} ${operation.path} (seed ${SEED}): ${JSON.stringify(result.counterexample?.[0])}`);
  }
  if (process.env.FUZZ_REPORT) for (const [k, v] of codes) console.log(k, JSON.stringify(Object.entries(v.reduce<Record<string, number>>((a, c) => ({ ...a, [c]: (a[c] ?? 0) + 1 }), {}))));
  if (process.env.FUZZ_REPORT) console.log('keyed retries replayed', replayed);
  return { failures, reached2xx, replayed };
}

/** A 4xx answer is an RFC 9457 problem with a code (or a VC-API verification report, see README). */
function isProblem(operation: Operation, res: { statusCode: number; headers: Record<string, unknown>; json(): any }): boolean {
  // The VC-API verifiers answer a credential that does not verify with 400 and the verification
  // report (README: "200 when valid, 400 with the same report when not").
  if (/^\/(credentials|presentations)\/verify$/.test(operation.path) && res.statusCode === 400 && res.json().verified === false) return true;
  const problem = String(res.headers['content-type']).includes('application/problem+json') ? res.json() : undefined;
  return typeof problem?.code === 'string' && problem.status === res.statusCode;
}

it('no request generated from a route\'s schemas gets a 5xx, and every 4xx is a problem with a code', async () => {
  const ops = operations();
  expect(ops.length).toBeGreaterThan(100);
  const { failures, reached2xx, replayed } = await sweep(ops.map((operation) => ({ operation, arbitrary: requestArbitrary(operation) })));
  expect(failures).toEqual([]);
  // Keyed retries reach the stored answers, not only the key's syntax check.
  expect(replayed).toBeGreaterThan(20);
  // The generated requests reach the services, not only the schema and access checks.
  expect(reached2xx).toBeGreaterThan(ops.length);
}, 600_000);

it('no valid body of the suite, with its ids swapped and one field removed or of the wrong type, gets a 5xx', async () => {
  const ops = operations().flatMap((operation) => {
    const bodies = recorded[`${operation.method} ${operation.path.replace(/\{(\w+)\}/g, ':$1')}`];
    return bodies && operation.op.requestBody?.content?.['application/json'] ? [{ operation, arbitrary: recordedRequestArbitrary(operation, bodies) }] : [];
  });
  expect(ops.length).toBeGreaterThan(40);
  const { failures, reached2xx, replayed } = await sweep(ops);
  expect(failures).toEqual([]);
  expect(reached2xx).toBeGreaterThan(0);
  expect(replayed).toBeGreaterThan(0);
}, 600_000);

it('an NDJSON batch of generated, recorded and broken lines gets one result per line and never an internal error', async () => {
  const spec = t.app.swagger() as any;
  const itemSchema: Schema = spec.paths['/institutions/{id}/catalogue'].post.requestBody.content['application/json'].schema;
  const depositSchema: Schema = spec.paths['/learners/{id}/achievements'].post.requestBody.content['application/json'].schema;
  const ouId = (await sql<{ id: string }>`select id::text as id from institutions where slug = 'lingnan-open-university'`.execute(t.ctx.db)).rows[0]!.id;
  const broken = fc.constantFrom('', '{', '[]', 'null', '"x"', '1', '{"a":1}', '{"code":', ' \t ', '\u0000', '{"code":"\\u0000"}');
  const linesOf = (schema: Schema, seeds: Json[], extra: Record<string, fc.Arbitrary<unknown>>) => {
    const generated = schemaArbitrary(schema, { pick }).chain((b) => fc.record(extra).map((e) => ({ ...(b as object), ...e })));
    const fromSuite = fc.constantFrom(...seeds).chain(remapped).chain((b) => fc.record(extra).map((e) => ({ ...(b as object), ...e })))
      .chain((b) => fc.oneof(fc.constant(b as Json), oddly(b)));
    return fc.array(fc.oneof(generated.map((l) => JSON.stringify(l)), fromSuite.map((l) => JSON.stringify(l)), broken), { minLength: 1, maxLength: 12 });
  };
  const nonBlank = (lines: string[]) => lines.join('\n').split('\n').filter((l) => l.trim() !== '').length;
  const send = (url: string, lines: string[]) => t.app.inject({ method: 'POST', url, headers: { ...bearer(tokens.institution!), 'content-type': 'application/x-ndjson' }, payload: `${lines.join('\n')}\n` });

  const catalogue = await fc.check(fc.asyncProperty(linesOf(itemSchema, recorded['POST /institutions/:id/catalogue'] ?? [], {}), async (lines) => {
    const res = await send(`/institutions/${ouId}/catalogue/batches`, lines);
    if (res.statusCode !== 200) return res.statusCode < 500 && String(res.headers['content-type']).includes('problem+json');
    const { summary, results } = res.json();
    if (process.env.FUZZ_REPORT) console.log('catalogue batch', JSON.stringify(summary), [...new Set(results.map((r: { problem?: string; status: string }) => r.problem ?? r.status))].join(' '));
    return summary.lines === nonBlank(lines) && results.length === summary.lines && summary.accepted + summary.existing + summary.rejected === summary.lines;
  }), { numRuns: RUNS * 2, seed: SEED });
  expect(catalogue.failed, JSON.stringify(catalogue.counterexample)).toBe(false);

  const learners = fc.constantFrom(...pools.learners!).map((id) => id as unknown);
  const deposits = await fc.check(fc.asyncProperty(linesOf(depositSchema, recorded['POST /learners/:id/achievements'] ?? [], { learnerId: learners }), async (lines) => {
    const res = await send('/achievements/batches', lines);
    if (res.statusCode !== 200) return res.statusCode < 500 && String(res.headers['content-type']).includes('problem+json');
    const out = res.body.trim().split('\n').map((l) => JSON.parse(l));
    const last = out.pop();
    if (last.error || !last.summary) return false;
    const s = last.summary;
    if (process.env.FUZZ_REPORT) console.log('deposit batch', JSON.stringify(s), [...new Set(out.map((r) => r.code ?? r.status))].join(' '));
    return s.lines === nonBlank(lines) && out.length === s.lines && s.accepted + s.replayed + s.rejected === s.lines;
  }), { numRuns: RUNS * 2, seed: SEED });
  expect(deposits.failed, JSON.stringify(deposits.counterexample)).toBe(false);
}, 600_000);
