import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { arrayLiteral, unnestInsert, type Column } from '../../src/db/bulk-insert.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

interface Row { k: number; t: string | null; u: string | null; at: Date | null; j: string | null; n: string | null }
const COLUMNS: Column<Row>[] = [['k', 'int[]'], ['t', 'text[]'], ['u', 'uuid[]'], ['at', 'timestamptz[]'], ['j', 'jsonb[]'], ['n', 'numeric[]']];

let d: TestDatabase;
beforeAll(async () => {
  d = await createTestDatabase({ migrate: false });
  await sql`create table bulk (k int primary key, t text, u uuid, at timestamptz, j jsonb, n numeric)`.execute(d.db);
});
afterAll(async () => d.drop());

async function roundTrip(rows: Row[]): Promise<Row[]> {
  await sql`delete from bulk`.execute(d.db);
  await unnestInsert('bulk', COLUMNS, rows).execute(d.db);
  const { rows: back } = await sql<{ k: number; t: string | null; u: string | null; at: Date | null; j: unknown; n: string | null }>`
    select k, t, u, at, j, n::text as n from bulk order by k`.execute(d.db);
  return back.map((r) => ({ k: r.k, t: r.t, u: r.u, at: r.at === null ? null : new Date(r.at), j: r.j === null ? null : JSON.stringify(r.j), n: r.n }));
}

const TRICKY = ['', 'NULL', 'null', '"', '\\', '\\"', '{a,b}', ' spaced ', 'a,b', '学分银行', '🎓', 'line\nbreak', "it's"];

describe('unnestInsert writes every value back exactly', () => {
  it('texts that array literals treat specially, in varying and in constant columns', async () => {
    const at = new Date('2024-06-30T12:34:56.789Z');
    const rows = TRICKY.map((t, k): Row => ({ k, t, u: null, at, j: JSON.stringify({ t }), n: k % 2 ? null : `${k}.50` }));
    expect(await roundTrip(rows)).toEqual(rows);
    const same = TRICKY.map((t) => [0, 1].map((k): Row => ({ k, t, u: '6d6f6f63-0000-4000-8000-000000000001', at: null, j: null, n: '1' })));
    for (const rs of same) expect(await roundTrip(rs)).toEqual(rs);
  });

  it('one row, and rows with no varying column at all', async () => {
    const one: Row = { k: 7, t: 'x', u: null, at: null, j: '[1]', n: '0' };
    expect(await roundTrip([one])).toEqual([one]);
  });

  it('any text (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom(...TRICKY), fc.constant(null)), { minLength: 1, maxLength: 8 }),
      async (texts) => {
        const rows = texts.map((t, k): Row => ({ k, t: t === null ? null : t.replace(/\0/g, ''), u: null, at: null, j: null, n: null }));
        expect(await roundTrip(rows)).toEqual(rows);
      }), { numRuns: 60 });
  });

  it('writes only the rows whose column value the `only` subquery selects, varying or constant', async () => {
    await sql`delete from bulk`.execute(d.db);
    const rows = [1, 2, 3, 4].map((k): Row => ({ k, t: `t${k}`, u: null, at: null, j: null, n: null }));
    await unnestInsert('bulk', COLUMNS, rows, { column: 't', in: sql`select unnest(${['t2', 't4', 'none']}::text[])` }).execute(d.db);
    await unnestInsert('bulk', COLUMNS, [{ k: 9, t: 'same', u: null, at: null, j: null, n: null }], { column: 'k', in: sql`select 8` }).execute(d.db);
    await unnestInsert('bulk', COLUMNS, [{ k: 10, t: 'same', u: null, at: null, j: null, n: null }], { column: 'k', in: sql`select 10` }).execute(d.db);
    const { rows: back } = await sql<{ k: number }>`select k from bulk order by k`.execute(d.db);
    expect(back.map((r) => r.k)).toEqual([2, 4, 10]);
    expect(() => unnestInsert('bulk', COLUMNS, rows, { column: 'nope' as 'k', in: sql`select 1` })).toThrow(/not a column/);
  });

  it('writes the literal the way PostgreSQL reads it', () => {
    expect(arrayLiteral(['a', null, 'NULL', 'x"y', 'b\\c', 3])).toBe('{"a",NULL,"NULL","x\\"y","b\\\\c",3}');
  });
});
