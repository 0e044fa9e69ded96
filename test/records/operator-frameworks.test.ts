import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, publishItem } from '../helpers/factories.js';
import { count, deposit, depositBody, recordsWorld, type RecordsWorld } from './fixtures.js';

// Reference data an operator loads at run time (POST /frameworks) must be usable by the record at
// once, like the catalogue: not only the files shipped with the service.
let w: RecordsWorld;
beforeAll(async () => {
  w = await recordsWorld();
});
afterAll(async () => w.t.close());

const load = (doc: Record<string, unknown>) => w.t.app.inject({ method: 'POST', url: '/frameworks', headers: bearer(w.op), payload: doc });

const tenPoint = {
  kind: 'grading-schemes',
  gradingSchemes: [{ id: 'test-ten-point', name: { en: 'Ten-point scale (test)' }, kind: 'numeric', min: '1', max: '10', pass: '5.5', source: 'test fixture' }],
};
const workload = {
  kind: 'credit-systems',
  creditSystems: [{ id: 'test-workload', name: { en: 'Workload credit (test)' }, hoursPerCredit: { min: '32', max: '32' }, unit: 'credit', sources: [{ title: 'test fixture', date: '2026' }] }],
};

describe('framework data loaded by an operator', () => {
  it('is used for deposits, their grading and the home-credit normalisation of the transcript', async () => {
    expect((await load(tenPoint)).statusCode).toBe(201);
    expect((await load(workload)).statusCode).toBe(201);
    const item = await publishItem(w.t.app, w.uni, { gradingSchemeId: 'test-ten-point', creditSystemId: 'test-workload', credits: '3', notionalHours: '96' });
    const pass = await deposit(w.t.app, w.uni.token, w.learner.id, depositBody(item.id, { result: '7.5', completedOn: '2025-01-20' }));
    expect(pass.statusCode, pass.body).toBe(201);
    expect(pass.json().current).toMatchObject({ result: '7.5', credits: '3', creditSystemId: 'test-workload' });
    const fail = await deposit(w.t.app, w.uni.token, w.learner.id, depositBody(item.id, { result: '5', completedOn: '2025-01-20' }));
    expect(fail.json().current.credits).toBe('0');
    const bad = await deposit(w.t.app, w.uni.token, w.learner.id, depositBody(item.id, { result: '11', completedOn: '2025-01-20' }));
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'invalid_result', errors: [{ pointer: '/body/result' }] });

    const transcript = (await w.t.app.inject({ method: 'GET', url: `/learners/${w.learner.id}/record`, headers: bearer(w.learner.token) })).json();
    expect(transcript.totals.bySystem).toContainEqual({ creditSystemId: 'test-workload', credits: '3', achievements: 1 });
    const home = transcript.totals.home;
    expect(home.notConverted).toEqual([]);
    // 3 credits of 32 h = 96 h; cn-university credits are 16–18 h.
    expect(home.conversions).toContainEqual(expect.objectContaining({ achievementId: pass.json().id, from: 'test-workload', hours: '96' }));
    expect(home.creditSystemId).toBe('cn-university');
  });

  it('is used for learning outside the catalogue (credit system and grading scheme loaded through the API)', async () => {
    const body = {
      externalId: 'rpl-operator-loaded', completedOn: '2024-05-01', result: '8', credits: '2',
      learning: { source: 'rpl', title: { en: 'Portfolio assessment' }, creditSystemId: 'test-workload', gradingSchemeId: 'test-ten-point', provenance: { issuer: 'RPL panel', method: 'portfolio assessment' } },
    };
    const res = await deposit(w.t.app, w.uni.token, w.learner.id, body);
    expect(res.statusCode).toBe(201);
    expect(res.json().current).toMatchObject({ credits: '2', creditSystemId: 'test-workload' });
  });

  it('a batch line against an operator-loaded grading scheme is accepted', async () => {
    const item = await publishItem(w.t.app, w.uni, { gradingSchemeId: 'test-ten-point', creditSystemId: 'test-workload', credits: '2', notionalHours: '64' });
    const before = await count(w.t.ctx.db, 'achievements');
    const line = JSON.stringify({ ...depositBody(item.id, { result: '9', completedOn: '2025-01-20' }), learnerId: w.learner.id });
    const res = await w.t.app.inject({ method: 'POST', url: '/achievements/batches', headers: { ...bearer(w.uni.token), 'content-type': 'application/x-ndjson' }, payload: `${line}\n` });
    expect(res.statusCode).toBeLessThan(300);
    expect(res.body, res.body).toContain('"accepted"');
    expect(await count(w.t.ctx.db, 'achievements')).toBe(before + 1);
  });
});

describe('learning outside the catalogue is checked against the loaded frameworks', () => {
  const rpl = (over: Record<string, unknown>) => ({
    externalId: `rpl-${Math.random()}`, completedOn: '2024-05-01',
    learning: { source: 'rpl', title: { en: 'Assessed prior learning' }, provenance: { issuer: 'RPL panel', method: 'portfolio assessment' }, ...over },
  });
  it.each([
    [{ level: { frameworkId: 'made-up-qf', frameworkVersion: '1', level: 3 } }, 'unknown_framework', '/body/learning/level/frameworkId'],
    [{ level: { frameworkId: 'eqf', frameworkVersion: '1999', level: 3 } }, 'unknown_framework_version', '/body/learning/level/frameworkVersion'],
    [{ level: { frameworkId: 'eqf', frameworkVersion: '2017', level: 9 } }, 'unknown_level', '/body/learning/level/level'],
    [{ iscedCode: '0999' }, 'unknown_isced_code', '/body/learning/iscedCode'],
  ])('refuses %j with a problem naming the field, writing nothing', async (over, code, pointer) => {
    const before = await count(w.t.ctx.db, 'achievements');
    const res = await deposit(w.t.app, w.uni.token, w.learner.id, rpl(over));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code, errors: [{ pointer }] });
    expect(await count(w.t.ctx.db, 'achievements')).toBe(before);
  });

  it('accepts a loaded framework level and ISCED-F code', async () => {
    const res = await deposit(w.t.app, w.uni.token, w.learner.id, rpl({ level: { frameworkId: 'eqf', frameworkVersion: '2017', level: 5 }, iscedCode: '0613' }));
    expect(res.statusCode).toBe(201);
  });
});
