import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDepositable } from '../../src/catalogue/catalogue.types.js';
import { bearer, courseInput, createInstitution, operatorToken, publishItem, type TestInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;
let other: TestInstitution;
beforeAll(async () => {
  t = await createTestApp();
  const op = await operatorToken(t.app);
  inst = await createInstitution(t.app, op);
  other = await createInstitution(t.app, op);
});
afterAll(async () => t.close());

const rows = async () => Number((await t.ctx.db.selectFrom('catalogue_items').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const post = (body: Record<string, unknown>, who: TestInstitution = inst, url = `/institutions/${inst.id}/catalogue`) =>
  t.app.inject({ method: 'POST', url, headers: bearer(who.token), payload: body });

describe('publishing one catalogue item', () => {
  it('publishes a course with exact credits and returns it', async () => {
    const res = await post(courseInput({ code: 'DS101', credits: '3.50', notionalHours: '100' }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ code: 'DS101', version: 1, credits: '3.5', notionalHours: '100', institutionId: inst.id,
      level: { frameworkId: 'gd-ltlqf', frameworkVersion: '2017', level: 5 }, retiredAt: null });
  });

  it('re-publishing the same content is idempotent; other content for the version is a conflict', async () => {
    const body = courseInput({ code: 'IDEM1' });
    const first = await post(body);
    const n = await rows();
    const again = await post(body);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const changed = await post({ ...body, credits: '4', notionalHours: '128' });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().code).toBe('catalogue_version_conflict');
    expect(await rows()).toBe(n);
  });

  it('publishes the next version and keeps the history', async () => {
    const v1 = await publishItem(t.app, inst, { code: 'VER1' });
    const v2 = await post(courseInput({ code: 'VER1', version: 2, credits: '4', notionalHours: '128', effectiveFrom: '2025-09-01' }));
    expect(v2.statusCode).toBe(201);
    const gap = await post(courseInput({ code: 'VER1', version: 4 }));
    expect(gap.statusCode).toBe(422);
    expect(gap.json()).toMatchObject({ code: 'version_gap', errors: [{ pointer: '/body/version' }] });
    const detail = (await t.app.inject({ method: 'GET', url: `/catalogue/${v1.id}` })).json();
    expect(detail.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const list = (await t.app.inject({ method: 'GET', url: `/catalogue?institution=${inst.id}&q=VER1` })).json();
    expect(list.items.map((i: { version: number }) => i.version)).toEqual([2]);
    const all = (await t.app.inject({ method: 'GET', url: `/catalogue?institution=${inst.id}&q=VER1&allVersions=true` })).json();
    expect(all.items).toHaveLength(2);
  });

  it('fills in the latest framework version when only the framework is named', async () => {
    const res = await post(courseInput({ level: { frameworkId: 'hkqf', level: 4 }, creditSystemId: 'hkqf', credits: '10', notionalHours: '100' }));
    expect(res.statusCode).toBe(201);
    expect(res.json().level).toEqual({ frameworkId: 'hkqf', frameworkVersion: '2018', level: 4 });
  });

  it('only the owning institution publishes', async () => {
    const res = await post(courseInput(), other);
    expect(res.statusCode).toBe(403);
  });
});

const BAD: [string, Record<string, unknown>, string, string][] = [
  ['unknown framework', { level: { frameworkId: 'xqf', level: 1 } }, 'unknown_framework', '/body/level/frameworkId'],
  ['unknown framework version', { level: { frameworkId: 'eqf', frameworkVersion: '1990', level: 1 } }, 'unknown_framework_version', '/body/level/frameworkVersion'],
  ['unknown level', { level: { frameworkId: 'gd-ltlqf', frameworkVersion: '2017', level: 8 } }, 'unknown_level', '/body/level/level'],
  ['unknown credit system', { creditSystemId: 'made-up' }, 'unknown_credit_system', '/body/creditSystemId'],
  ['unknown grading scheme', { gradingSchemeId: 'stars' }, 'unknown_grading_scheme', '/body/gradingSchemeId'],
  ['bad ISCED code', { iscedCode: '0699' }, 'invalid_isced_code', '/body/iscedCode'],
  ['negative credits', { credits: '-1' }, 'invalid_credits', '/body/credits'],
  ['zero credits for a course', { credits: '0' }, 'invalid_credits', '/body/credits'],
  ['no credits for a course', { credits: undefined }, 'credits_required', '/body/credits'],
  ['credits absurd for the hours', { credits: '30', notionalHours: '10' }, 'credits_hours_mismatch', '/body/credits'],
  ['no title', { title: {} }, 'title_required', '/body/title'],
  ['a MOOC without platform', { kind: 'mooc' }, 'platform_required', '/body/platform'],
  ['components on a course', { components: ['X1'] }, 'not_a_micro_major', '/body/components'],
];

describe('bad input is a problem response and writes nothing', () => {
  it.each(BAD)('%s', async (_name, patch, code, pointer) => {
    const n = await rows();
    const res = await post(courseInput(patch));
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe(code);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await rows()).toBe(n);
  });

  it('rejects unknown fields', async () => {
    const res = await post({ ...courseInput(), colour: 'blue' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('unknown_field');
  });
});

describe('micro-majors (微专业)', () => {
  it('bundles own courses by code with an n-of rule and shows them', async () => {
    const codes = ['MM-A', 'MM-B', 'MM-C', 'MM-D'];
    for (const code of codes) await publishItem(t.app, inst, { code });
    const res = await post(courseInput({ code: 'MM', kind: 'micro-major', title: { zh: '数据科学微专业' }, credits: '12', notionalHours: '384', components: codes, completionRule: { type: 'n-of', n: 3 } }));
    expect(res.statusCode).toBe(201);
    expect(res.json().components).toHaveLength(4);
    const detail = (await t.app.inject({ method: 'GET', url: `/catalogue/${res.json().id}` })).json();
    expect(detail.components.map((c: { code: string }) => c.code)).toEqual(codes);
  });

  it.each([
    ['n greater than the components', { completionRule: { type: 'n-of', n: 5 } }, 'unmeetable_completion_rule', '/body/completionRule/n'],
    ['more credits than the components carry', { completionRule: { type: 'min-credits', credits: '13' } }, 'unmeetable_completion_rule', '/body/completionRule/credits'],
    ['a component that does not exist', { components: ['MM-A', 'NOPE'] }, 'unknown_component', '/body/components/1'],
  ])('rejects %s', async (_n, patch, code, pointer) => {
    const n = await rows();
    const res = await post(courseInput({ code: 'MMBAD', kind: 'micro-major', credits: '12', notionalHours: '384', components: ['MM-A', 'MM-B', 'MM-C', 'MM-D'], completionRule: { type: 'all' }, ...patch }));
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe(code);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await rows()).toBe(n);
  });

  it('rejects a component of another institution', async () => {
    const foreign = await publishItem(t.app, other, { code: 'FOREIGN' });
    const res = await post(courseInput({ code: 'MMX', kind: 'micro-major', credits: '6', notionalHours: '192', components: ['MM-A', foreign.id], completionRule: { type: 'all' } }));
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('component_elsewhere');
  });
});

describe('retiring (退出)', () => {
  it('stops new deposits but keeps the item readable; retiring twice changes nothing', async () => {
    const item = await publishItem(t.app, inst, { code: 'OLD1' });
    expect(isDepositable(item as never, '2024-10-01')).toBe(true);
    const denied = await t.app.inject({ method: 'POST', url: `/catalogue/${item.id}/retire`, headers: bearer(other.token), payload: { reason: 'no' } });
    expect(denied.statusCode).toBe(403);
    const res = await t.app.inject({ method: 'POST', url: `/catalogue/${item.id}/retire`, headers: bearer(inst.token), payload: { reason: '课程停开 course withdrawn' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().retiredAt).not.toBeNull();
    const again = await t.app.inject({ method: 'POST', url: `/catalogue/${item.id}/retire`, headers: bearer(inst.token), payload: { reason: 'again' } });
    expect(again.json().retiredAt).toBe(res.json().retiredAt);
    const got = await t.ctx.catalogue.get(item.id);
    expect(isDepositable(got, '2024-10-01')).toBe(false);
    expect(got.retiredReason).toBe('课程停开 course withdrawn');
    const listed = (await t.app.inject({ method: 'GET', url: `/catalogue?q=OLD1` })).json().items;
    expect(listed).toHaveLength(0);
    expect((await t.app.inject({ method: 'GET', url: `/catalogue?q=OLD1&includeRetired=true` })).json().items).toHaveLength(1);
  });
});
