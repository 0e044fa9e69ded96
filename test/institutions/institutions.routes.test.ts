import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, newUscc, operatorToken } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let op: string;

beforeAll(async () => {
  t = await createTestApp();
  op = await operatorToken(t.app);
});
afterAll(async () => t.close());

const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!.toString(16));

describe('institution registry', () => {
  it('stores names exactly as given (no Unicode normalization)', async () => {
    const zh = '\u{2F800}\u{F900}\u{20BB7}\u{30EDD}学院';
    const en = 'Caf\u0065\u0301 College';
    const res = await t.app.inject({ method: 'POST', url: '/institutions', headers: bearer(op), payload: { name: { zh, en }, kind: 'university', country: 'CN', regionCode: '440106', uscc: newUscc() } });
    expect(res.statusCode).toBe(201);
    const read = await t.app.inject({ method: 'GET', url: `/institutions/${res.json().id}` });
    expect(codePoints(read.json().name.zh)).toEqual(codePoints(zh));
    expect(codePoints(read.json().name.en)).toEqual(codePoints(en));
  });
});
