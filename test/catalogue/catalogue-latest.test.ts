import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, courseInput, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;
beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());

const post = (o: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/catalogue`, headers: bearer(inst.token), payload: courseInput(o) });
const batch = (lines: Record<string, unknown>[]) => t.app.inject({
  method: 'POST', url: `/institutions/${inst.id}/catalogue/batches`,
  headers: { ...bearer(inst.token), 'content-type': 'application/x-ndjson' }, payload: lines.map((o) => JSON.stringify(courseInput(o))).join('\n'),
});

/** Codes whose latest marker is not on exactly their highest version. */
async function misplacedMarkers(): Promise<unknown[]> {
  const { rows } = await sql`select code from catalogue_items where institution_id = ${inst.id} group by code
    having count(*) filter (where is_latest) <> 1 or max(version) <> max(version) filter (where is_latest)`.execute(t.ctx.db);
  return rows;
}

describe('latest-version marker', () => {
  it('moves to a new version when it is published, and the listing shows only that version', async () => {
    expect((await post({ code: 'LAT1', title: { zh: '旧版课程' } })).statusCode).toBe(201);
    expect((await post({ code: 'LAT1', version: 2, title: { zh: '新版课程' } })).statusCode).toBe(201);
    const latest = (await t.app.inject({ method: 'GET', url: `/catalogue?institution=${inst.id}&q=LAT1` })).json();
    expect(latest.items.map((i: { version: number }) => i.version)).toEqual([2]);
    const all = (await t.app.inject({ method: 'GET', url: `/catalogue?institution=${inst.id}&q=LAT1&allVersions=true` })).json();
    expect(all.items.map((i: { version: number }) => i.version).sort()).toEqual([1, 2]);
    expect((await t.app.inject({ method: 'GET', url: `/catalogue?q=${encodeURIComponent('旧版')}` })).json().items).toEqual([]);
    expect(await misplacedMarkers()).toEqual([]);
  });

  it('lands on the highest version when several versions of a code arrive in one batch', async () => {
    const res = await batch([{ code: 'LAT2' }, { code: 'LAT2', version: 2, credits: '4', notionalHours: '128' }, { code: 'LAT2', version: 3, credits: '2', notionalHours: '64' }]);
    expect(res.json().summary.accepted).toBe(3);
    expect(await misplacedMarkers()).toEqual([]);
  });

  it('stays on exactly one version when the same next version is published concurrently', async () => {
    await batch(Array.from({ length: 20 }, (_, i) => ({ code: `RACE${i}` })));
    const v2 = (i: number, credits: string) => ({ code: `RACE${i}`, version: 2, credits, notionalHours: String(Number(credits) * 32) });
    // Two batches and single publishes race for version 2 of the same codes with different content.
    const [a, b, ...singles] = await Promise.all([
      batch(Array.from({ length: 20 }, (_, i) => v2(i, '4'))),
      batch(Array.from({ length: 20 }, (_, i) => v2(i, '2'))),
      ...Array.from({ length: 5 }, (_, i) => post(v2(i, '1'))),
    ]);
    const accepted = [a!, b!].reduce((n, r) => n + r.json().summary.accepted, 0) + singles.filter((r) => r.statusCode === 201).length;
    expect(accepted).toBe(20); // one winner per code, the others are version conflicts
    for (const r of singles) expect([201, 409]).toContain(r.statusCode);
    expect(await misplacedMarkers()).toEqual([]);
    const { rows } = await sql<{ n: string }>`select count(*) as n from catalogue_items where institution_id = ${inst.id} and code like 'RACE%' and is_latest and version = 2`.execute(t.ctx.db);
    expect(Number(rows[0]!.n)).toBe(20);
  });
});
