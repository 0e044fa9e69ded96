import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_FRAMEWORKS_DIR } from '../../src/frameworks/frameworks.service.js';
import { bearer, operatorToken } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let op: string;
beforeAll(async () => {
  t = await createTestApp();
  op = await operatorToken(t.app);
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });
const count = async (table: 'framework_versions' | 'framework_entries') =>
  Number((await t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function eqfDocument(): Promise<Record<string, unknown>> {
  return (await t.ctx.frameworks.framework('eqf', '2017')) as unknown as Record<string, unknown>;
}

describe('frameworks in the database', () => {
  it('loads the bundled frameworks at start-up and lists them publicly', async () => {
    const res = await get('/frameworks');
    expect(res.statusCode).toBe(200);
    const ids = res.json().items.map((f: { id: string }) => f.id).sort();
    expect(ids).toEqual(['aqf', 'eqf', 'gd-ltlqf', 'hkqf', 'scqf']);
    expect(res.json().items.find((f: { id: string }) => f.id === 'scqf').levels).toBe(12);
  });

  it('shows a framework with its levels, credit system and versions', async () => {
    const res = await get('/frameworks/hkqf');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.levels).toHaveLength(7);
    expect(body.creditSystem.hoursPerCredit).toEqual({ min: '10', max: '10' });
    expect(body.versions.map((v: { version: string }) => v.version)).toEqual(['2018']);
    expect((await get('/frameworks/hkqf?version=1999')).statusCode).toBe(404);
    expect((await get('/frameworks/nope')).statusCode).toBe(404);
  });

  it('reloading the same directory is a no-op', async () => {
    const before = [await count('framework_versions'), await count('framework_entries')];
    const res = await t.app.inject({ method: 'POST', url: '/frameworks/load', headers: bearer(op) });
    expect(res.statusCode).toBe(200);
    expect(res.json().added).toEqual([]);
    expect(res.json().unchanged).toBeGreaterThan(30);
    expect([await count('framework_versions'), await count('framework_entries')]).toEqual(before);
  });

  it('refuses the same version with other content, naming the source, and writes nothing', async () => {
    const doc = { ...(await eqfDocument()), notes: ['changed'] };
    const before = await count('framework_versions');
    const res = await t.app.inject({ method: 'POST', url: '/frameworks', headers: bearer(op), payload: doc });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('framework_version_conflict');
    expect(res.json().detail).toContain('eqf version 2017');
    expect(await count('framework_versions')).toBe(before);
  });

  it('loads a new version and keeps the old one', async () => {
    const doc = { ...(await eqfDocument()), version: '2030-draft', notes: ['a later version'] };
    const res = await t.app.inject({ method: 'POST', url: '/frameworks', headers: bearer(op), payload: doc });
    expect(res.statusCode).toBe(201);
    const detail = (await get('/frameworks/eqf')).json();
    expect(detail.version).toBe('2030-draft');
    expect(detail.versions.map((v: { version: string }) => v.version)).toEqual(['2017', '2030-draft']);
    expect((await get('/frameworks/eqf?version=2017')).json().version).toBe('2017');
    const again = await t.app.inject({ method: 'POST', url: '/frameworks', headers: bearer(op), payload: doc });
    expect(again.statusCode).toBe(200);
  });

  it('rejects a framework with a gap in its levels, naming the field', async () => {
    const eqf = await eqfDocument();
    const levels = (eqf.levels as { level: number }[]).filter((l) => l.level !== 3);
    const before = await count('framework_versions');
    const res = await t.app.inject({ method: 'POST', url: '/frameworks', headers: bearer(op), payload: { ...eqf, version: 'gap', levels } });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('invalid_framework_document');
    expect(res.json().errors[0].pointer).toBe('/levels/2/level');
    expect(await count('framework_versions')).toBe(before);
  });

  it('only an operator may load frameworks', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/frameworks/load' })).statusCode).toBe(401);
  });

  it('answers equivalents from published mappings only', async () => {
    const sc = await get('/frameworks/scqf/levels/6/equivalents');
    expect(sc.statusCode).toBe(200);
    expect(sc.json().found).toBe(true);
    expect(sc.json().equivalents).toContainEqual(expect.objectContaining({ framework: 'eqf', version: '2017', level: 4, status: 'official', via: 'direct' }));
    // HKQF's EQF comparison is a published study without level pairs: say so, do not guess.
    const hk = await get('/frameworks/hkqf/levels/4/equivalents');
    expect(hk.statusCode).toBe(200);
    expect(hk.json()).toMatchObject({ found: false, reason: 'no published mapping' });
    expect(hk.json().studies.length).toBeGreaterThan(0);
    expect((await get('/frameworks/hkqf/levels/8/equivalents')).statusCode).toBe(404);
  });

  it('serves credit systems, grading schemes and ISCED-F fields', async () => {
    const cs = (await get('/credit-systems')).json().items;
    expect(cs.find((c: { id: string }) => c.id === 'ects').hoursPerCredit).toEqual({ min: '25', max: '30' });
    const gs = (await get('/grading-schemes')).json().items;
    expect(gs.find((g: { id: string }) => g.id === 'cn-five-grade').grades).toHaveLength(5);
    const f = (await get('/fields-of-study')).json();
    expect(f.broad.find((b: { code: string }) => b.code === '06').narrow[0].code).toBe('061');
  });

  it('converts credits by hours and reports the basis', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/credits/convert', payload: { amount: '6', from: 'ects', to: 'hkqf' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ credits: '15', hours: '150', from: 'ects', to: 'hkqf' });
    expect(res.json().basis).toContain('25 h');
    const bad = await t.app.inject({ method: 'POST', url: '/credits/convert', payload: { amount: '6', from: 'ecvet', to: 'hkqf' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].pointer).toBe('/body/from');
  });

  it('the service answers the lookups other domains need', async () => {
    const fw = t.ctx.frameworks;
    expect(await fw.levelExists('gd-ltlqf', '2017', 7)).toBe(true);
    expect(await fw.levelExists('gd-ltlqf', '2017', 8)).toBe(false);
    expect((await fw.creditSystem('cn-university'))?.hoursPerCredit).toEqual({ min: '16', max: '18' });
    expect(await fw.gradingScheme('percentage')).toBeDefined();
    expect(await fw.gradeConversion('example-percentage-to-ects')).toBeDefined();
    expect(await fw.iscedCodeValid('0613')).toBe(true);
    expect(await fw.iscedCodeValid('0699')).toBe(false);
    await expect(fw.assertHome('nope', 'cn-university')).rejects.toThrow(/home framework/);
    expect(BUNDLED_FRAMEWORKS_DIR).toMatch(/frameworks$/);
  });
});
