import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, courseInput, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;
beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());

const rows = async () => Number((await t.ctx.db.selectFrom('catalogue_items').select((eb) => eb.fn.countAll().as('n')).where('institution_id', '=', inst.id).executeTakeFirstOrThrow()).n);
const batch = (lines: string[], contentType = 'application/x-ndjson') => t.app.inject({
  method: 'POST', url: `/institutions/${inst.id}/catalogue/batches`,
  headers: { ...bearer(inst.token), 'content-type': contentType }, payload: lines.join('\n') + '\n',
});
const line = (o: Record<string, unknown>) => JSON.stringify(courseInput(o));

describe('bulk NDJSON publish', () => {
  it('keeps the good lines of a mixed batch and says why each bad line failed', async () => {
    const res = await batch([
      line({ code: 'B1' }),
      '{not json',
      line({ code: 'B2', credits: '-2' }),
      '',
      line({ code: 'B1' }), // duplicate code+version in one batch
      line({ code: 'B3', colour: 'red' }),
      line({ code: 'BMM', kind: 'micro-major', credits: '6', notionalHours: '192', components: ['B1', 'B4'], completionRule: { type: 'all' } }),
      line({ code: 'B4', version: 1 }),
      line({ code: 'BMM2', kind: 'micro-major', credits: '6', notionalHours: '192', components: ['B1', 'B4'], completionRule: { type: 'n-of', n: 2 } }),
    ]);
    expect(res.statusCode).toBe(200);
    const { summary, results } = res.json();
    expect(summary).toEqual({ lines: 8, accepted: 3, existing: 0, rejected: 5 });
    const byLine = Object.fromEntries(results.map((r: { line: number }) => [r.line, r]));
    expect(byLine[1]).toMatchObject({ status: 'accepted', code: 'B1' });
    expect(byLine[2]).toMatchObject({ status: 'rejected', problem: 'malformed_json' });
    expect(byLine[3]).toMatchObject({ status: 'rejected', code: 'B2', problem: 'invalid_credits', errors: [{ pointer: '/credits' }] });
    expect(byLine[5]).toMatchObject({ status: 'rejected', problem: 'duplicate_code' });
    expect(byLine[6]).toMatchObject({ status: 'rejected', problem: 'unknown_field' });
    // B4 comes later in the file, so the first micro-major cannot see it yet; the second can.
    expect(byLine[7]).toMatchObject({ status: 'rejected', problem: 'unknown_component' });
    expect(byLine[8]).toMatchObject({ status: 'accepted', code: 'B4' });
    expect(byLine[9]).toMatchObject({ status: 'accepted', code: 'BMM2' });
    expect(await rows()).toBe(3);
  });

  it('re-publishing the same batch reports every line as existing and writes nothing', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => line({ code: `R${i}` }));
    const first = await batch(lines);
    expect(first.json().summary.accepted).toBe(30);
    const n = await rows();
    const again = await batch(lines);
    expect(again.json().summary).toEqual({ lines: 30, accepted: 0, existing: 30, rejected: 0 });
    expect(again.json().results[0].id).toBe(first.json().results[0].id);
    expect(await rows()).toBe(n);
  });

  it('handles more lines than one chunk', async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => line({ code: `BULK${i}`, title: { zh: `课程${i}`, en: `Course ${i}` } }));
    const res = await batch(lines);
    expect(res.json().summary).toEqual({ lines: 1200, accepted: 1200, existing: 0, rejected: 0 });
    // A bulk load refreshes planner statistics (PGlite and many servers never analyse on their own).
    const stats = await sql<{ n: string }>`select count(*) as n from pg_stats where tablename = 'catalogue_items' and attname = 'code'`.execute(t.ctx.db);
    expect(Number(stats.rows[0]!.n)).toBe(1);
  });

  it('refuses a JSON body: the batch is NDJSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/catalogue/batches`, headers: bearer(inst.token), payload: { code: 'X' } });
    expect(res.statusCode).toBe(415);
  });

  it('rejects a line holding text PostgreSQL cannot store (NUL) and keeps the others', async () => {
    const before = await rows();
    const res = await batch([line({ code: 'N1', title: { zh: '课\u0000程', en: 'Course' } }), line({ code: 'N2' })]);
    expect(res.statusCode, res.body).toBe(200);
    const { summary, results } = res.json();
    expect(summary).toMatchObject({ lines: 2, accepted: 1, rejected: 1 });
    expect(results[0]).toMatchObject({ line: 1, status: 'rejected', problem: 'unstorable_text', errors: [{ pointer: '/title/zh' }] });
    expect(await rows()).toBe(before + 1);
  });
});
