import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimestamptz } from '../../src/db/timestamps.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/test-db.js';

const parseDate = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const same = (a: Date | number | null, b: Date | number | null) => (a instanceof Date && b instanceof Date ? Object.is(a.getTime(), b.getTime()) : Object.is(a, b));

// timestamptz text as PostgreSQL writes it with DateStyle ISO: optional 1–6 fraction digits, offset
// hours with optional minutes and seconds.
const textArb = fc.record({
  year: fc.integer({ min: 100, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }),
  h: fc.integer({ min: 0, max: 23 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }),
  fraction: fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }),
  sign: fc.constantFrom('+', '-'), oh: fc.integer({ min: 0, max: 15 }),
  om: fc.option(fc.constantFrom(0, 30, 45), { nil: undefined }), os: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
}).map((t) => `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)} ${pad(t.h, 2)}:${pad(t.mi, 2)}:${pad(t.s, 2)}`
  + `${t.fraction === undefined ? '' : `.${t.fraction}`}${t.sign}${pad(t.oh, 2)}`
  + `${t.om === undefined ? '' : `:${pad(t.om, 2)}${t.os === undefined ? '' : `:${pad(t.os, 2)}`}`}`);

describe('timestamptz parsing', () => {
  it('gives the same instant as pg\'s own parser for every ISO timestamp', () => {
    fc.assert(fc.property(textArb, (text) => { expect(same(parseTimestamptz(text), parseDate(text))).toBe(true); }), { numRuns: 3000 });
  });

  it('reads every millisecond fraction as pg does (truncated, as Date.UTC truncates)', () => {
    for (let f = 0; f < 1000; f++) {
      for (const text of [`2024-06-30 12:34:56.${pad(f, 3)}+00`, `2024-06-30 12:34:56.${pad(f, 3)}999+08`, `2024-06-30 12:34:56.${String(f).replace(/0+$/, '') || '0'}+00`]) {
        expect(same(parseTimestamptz(text), parseDate(text))).toBe(true);
      }
    }
  });

  it('hands anything unusual to pg\'s parser', () => {
    for (const text of ['infinity', '-infinity', '0044-03-15 12:00:00+00 BC', '0099-01-01 00:00:00+00', '12345-01-01 00:00:00+00',
      '2024-06-30 12:34:56.+00', '2024-06-30 12:34:56.5', '2024-06-30 12:34:56.5+0', '2024-06-30 12:34:56.5+00:3', '2024-06-30T12:34:56Z', 'garbage']) {
      expect(same(parseTimestamptz(text), parseDate(text))).toBe(true);
    }
  });
});

// The parser is pg's (PGlite parses its own results, and in a zone other than UTC it cannot read
// every offset), so this runs on PostgreSQL.
describe.skipIf(!onPostgres)('timestamptz from PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => { t = await createTestDatabase({ migrate: false }); });
  afterAll(async () => { await t.drop(); });

  it('reads back the instant that was written, in any session time zone', async () => {
    await t.db.connection().execute(async (db) => {
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Asia/Shanghai']) {
        await sql`select set_config('TimeZone', ${zone}, false)`.execute(db);
        for (const iso of ['2024-06-30T12:34:56.789Z', '1999-12-31T23:59:59.999Z', '2026-12-06T00:00:00.000Z', '1901-01-01T00:00:00.000Z']) {
          const { rows } = await sql<{ at: Date }>`select ${iso}::timestamptz as at`.execute(db);
          expect(rows[0]!.at.toISOString()).toBe(iso);
        }
      }
    });
  });
});
