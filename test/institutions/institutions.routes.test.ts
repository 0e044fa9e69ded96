import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstitutionService } from '../../src/institutions/institutions.service.js';
import { bearer, newUscc, operatorToken } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase } from '../helpers/test-db.js';

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

const count = async (table: 'institutions' | 'audit_trail') =>
  Number((await t.ctx.db.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

function race(n: number, body: () => Record<string, unknown>) {
  return Promise.all(Array.from({ length: n }, () => t.app.inject({ method: 'POST', url: '/institutions', headers: bearer(op), payload: body() })));
}

describe('concurrent registrations', () => {
  const base = (extra: Record<string, unknown> = {}) => ({ name: { en: 'Racing College' }, kind: 'university', country: 'CN', regionCode: '440106', uscc: newUscc(), ...extra });

  it('returns the one institution to every racer with the same credit code', async () => {
    const [institutions, audit] = [await count('institutions'), await count('audit_trail')];
    const uscc = newUscc();
    const results = await race(6, () => base({ uscc }));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect([await count('institutions'), await count('audit_trail')]).toEqual([institutions + 1, audit + 1]);
  });

  it('answers racers for the same explicit slug with one 201 and 409 slug_taken for the rest', async () => {
    const before = await count('institutions');
    const slug = `race-${randomBytes(4).toString('hex')}`;
    const results = await race(5, () => base({ slug }));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409)) {
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().code).toBe('slug_taken');
    }
    expect(await count('institutions')).toBe(before + 1);
  });

  it('gives racers with the same name but different credit codes distinct automatic slugs', async () => {
    const en = `Same Name ${randomBytes(4).toString('hex')}`;
    const results = await race(5, () => base({ name: { en } }));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.json().slug)).size).toBe(5);
  });
});

describe('bootstrap operator', () => {
  it('creates exactly one operator when several instances start at once', async () => {
    const database = await createTestDatabase();
    try {
      const now = () => new Date();
      const services = Array.from({ length: 4 }, () => new InstitutionService(database.db, 'https://bank.test', now));
      const created = await Promise.all(services.map((s) => s.bootstrapOperator('first-secret')));
      expect(created.filter(Boolean)).toHaveLength(1);
      const operators = await database.db.selectFrom('api_clients').select('id').where('kind', '=', 'operator').execute();
      expect(operators.map((o) => o.id)).toEqual(['operator']);
      expect(await services[0]!.bootstrapOperator('first-secret')).toBe(false);
    } finally {
      await database.drop();
    }
  });
});
