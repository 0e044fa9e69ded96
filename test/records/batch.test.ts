import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjsonLines } from '../../src/http/ndjson.js';
import { depositLines } from '../../src/records/batch-deposit.js';
import { bearer, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { count, depositBody, recordsWorld } from './fixtures.js';

let t: TestApp;
let op: string;
let uni: TestInstitution;
let other: TestInstitution;
let learner: TestLearner;
let item: string;

beforeAll(async () => {
  ({ t, op, uni, other, learner, item } = await recordsWorld());
});
afterAll(async () => t.close());

const send = (token: string, body: string, query = '') =>
  t.app.inject({ method: 'POST', url: `/achievements/batches${query}`, headers: { ...bearer(token), 'content-type': 'application/x-ndjson' }, payload: body });
const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));

describe('NDJSON batch deposits', () => {
  it('rejects a line holding text PostgreSQL cannot store (NUL, an unpaired surrogate) and keeps the others', async () => {
    const good = { ...depositBody(item), learnerId: learner.id };
    const input = [
      JSON.stringify({ ...depositBody(item), learnerId: learner.id, term: 'a\u0000b' }),
      JSON.stringify(good),
      JSON.stringify({ ...depositBody(item), learnerId: learner.id }).replace(/"term":"[^"]*"/, '"term":"x\\udfff"'),
    ].join('\n');
    const before = await count(t.ctx.db, 'achievements');
    const res = await send(uni.token, input);
    expect(res.statusCode, res.body).toBe(200);
    const out = lines(res.body);
    expect(out.pop()).toEqual({ summary: { accepted: 1, replayed: 0, rejected: 2, lines: 3 } });
    expect(out.map((r) => [r.line, r.status, r.code ?? null, r.errors?.[0]?.pointer ?? null])).toEqual([
      [1, 'rejected', 'unstorable_text', '/term'], [2, 'accepted', null, null], [3, 'rejected', 'unstorable_text', '/term']]);
    expect(await count(t.ctx.db, 'achievements')).toBe(before + 1);
  });

  it('reports each line, keeps the accepted ones when others fail, and replays on resend', async () => {
    const good = [1, 2, 3].map(() => ({ ...depositBody(item), learnerId: learner.id }));
    const byIdentity = { ...depositBody(item), identity: { type: 'cn-resident', number: learner.residentId } };
    const input = [
      JSON.stringify(good[0]),
      '{not json',
      JSON.stringify({ ...depositBody(item), learnerId: learner.id, result: '300' }),
      '',
      JSON.stringify(good[1]),
      JSON.stringify({ ...depositBody(item), learnerId: '00000000-0000-4000-8000-000000000000' }),
      JSON.stringify({ ...depositBody(item), learnerId: learner.id, colour: 'red' }),
      JSON.stringify(byIdentity),
      JSON.stringify(good[2]),
      JSON.stringify({ ...good[2], result: '61' }),
    ].join('\n');
    const before = await count(t.ctx.db, 'achievements');
    const res = await send(uni.token, input);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const out = lines(res.body);
    const summary = out.pop();
    expect(out.map((r) => [r.line, r.status, r.code ?? null])).toEqual([
      [1, 'accepted', null], [2, 'rejected', 'malformed_json'], [3, 'rejected', 'invalid_result'],
      [5, 'accepted', null], [6, 'rejected', 'learner_not_found'], [7, 'rejected', 'unknown_field'],
      [8, 'accepted', null], [9, 'accepted', null], [10, 'rejected', 'natural_key_conflict'],
    ]);
    expect(out[2].errors[0].pointer).toBe('/result');
    expect(summary).toEqual({ summary: { accepted: 4, replayed: 0, rejected: 5, lines: 9 } });
    expect(await count(t.ctx.db, 'achievements')).toBe(before + 4);

    const again = lines((await send(uni.token, input)).body);
    expect(again.pop()).toEqual({ summary: { accepted: 0, replayed: 4, rejected: 5, lines: 9 } });
    expect(await count(t.ctx.db, 'achievements')).toBe(before + 4);
  });

  it('rejects lines against another institution\'s items and lets an operator name the depositor', async () => {
    const line = JSON.stringify({ ...depositBody(item), learnerId: learner.id });
    expect(lines((await send(other.token, line)).body)[0]).toMatchObject({ status: 'rejected', code: 'other_institution_item' });
    expect(lines((await send(op, line)).body)[0]).toMatchObject({ status: 'rejected', code: 'institution_required' });
    expect(lines((await send(op, line, `?institutionId=${uni.id}`)).body)[0]).toMatchObject({ status: 'accepted' });
  });

  it('keeps input order and first-line-wins across chunks that are written concurrently', async () => {
    // Chunks of two, two in flight: a key repeated in the next chunk must still be judged against the first line.
    const a = { ...depositBody(item), learnerId: learner.id };
    const b = { ...depositBody(item), learnerId: learner.id };
    const input = [a, b, { ...a, result: '61' }, { ...b }, ...[1, 2, 3, 4].map(() => ({ ...depositBody(item), learnerId: learner.id })), { ...a }]
      .map((l, i) => ({ line: i + 1, text: JSON.stringify(l), endOffset: i + 1 }));
    async function* source() { yield* input; }
    const actor = { principal: { kind: 'operator' as const, clientId: 'test', scopes: ['*'] }, requestId: 'chunks' };
    const chunks = [];
    for await (const c of depositLines(t.ctx.records.service, source(), actor, { chunk: 2, institutionId: uni.id })) chunks.push(c);
    expect(chunks.map((c) => c.lastLine)).toEqual([2, 4, 6, 8, 9]);
    expect(chunks.flatMap((c) => c.results.map((r) => [r.line, r.status, r.code ?? (r.replayed ? 'replayed' : 'new')]))).toEqual([
      [1, 'accepted', 'new'], [2, 'accepted', 'new'], [3, 'rejected', 'natural_key_conflict'], [4, 'accepted', 'replayed'],
      [5, 'accepted', 'new'], [6, 'accepted', 'new'], [7, 'accepted', 'new'], [8, 'accepted', 'new'], [9, 'accepted', 'replayed'],
    ]);
  });

  it('accepts only NDJSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/achievements/batches', headers: bearer(uni.token), payload: { a: 1 } });
    expect(res.statusCode).toBe(415);
  });
});

describe('ndjsonLines', () => {
  it('gives exact byte offsets across chunk boundaries and multi-byte characters', async () => {
    const text = '{"a":"𠮷"}\n\n{"b":1}\r\n{"c":2}';
    const bytes = Buffer.from(text);
    const chunks = [bytes.subarray(0, 5), bytes.subarray(5, 13), bytes.subarray(13)];
    const out = [];
    for await (const l of ndjsonLines(Readable.from(chunks))) out.push(l);
    expect(out.map((l) => [l.line, l.text])).toEqual([[1, '{"a":"𠮷"}'], [3, '{"b":1}'], [4, '{"c":2}']]);
    expect(out.map((l) => l.endOffset)).toEqual([bytes.indexOf('\n') + 1, bytes.lastIndexOf('\n') + 1, bytes.length]);
  });

  it('marks an overlong line and carries on', async () => {
    const out = [];
    for await (const l of ndjsonLines(Readable.from([Buffer.from(`${'x'.repeat(50)}\n{"ok":1}\n`)]), { maxLineBytes: 10 })) out.push(l);
    expect(out.map((l) => [l.line, l.error ?? l.text])).toEqual([[1, 'line_too_long'], [2, '{"ok":1}']]);
  });
});
