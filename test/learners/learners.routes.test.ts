import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createLearner, newResidentId, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let op: string;
let inst: TestInstitution;

beforeAll(async () => ({ t, op, inst } = await institutionApp()));
afterAll(async () => t.close());

const countLearners = async () => Number((await t.ctx.db.selectFrom('learners').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('learner accounts', () => {
  it('round-trips a supplementary-plane name exactly and masks the identity', async () => {
    const name = '𠮷野家𪚥';
    const number = newResidentId();
    const res = await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload: { identity: { type: 'cn-resident', number }, name } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.name).toBe(name);
    expect(body.identity.masked).toBe(`${number.slice(0, 6)}********${number.slice(-4)}`);
    expect(JSON.stringify(body)).not.toContain(number);
    const row = await t.ctx.db.selectFrom('learners').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(number.slice(6, 14));
  });

  it('stores names exactly as given: compatibility ideographs and supplementary characters are not normalized', async () => {
    // U+2F800 and U+F900 are CJK compatibility ideographs that NFC would replace (by U+4E3D, U+8C48);
    // U+20BB7 is 𠮷; U+30EDD (𰻝) is a GB 18030-2022 four-byte character; "e\u0301" NFC would compose.
    const name = '\u{2F800}\u{F900}\u{20BB7}\u{30EDD}e\u0301';
    const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!.toString(16));
    expect(codePoints(name)).toEqual(['2f800', 'f900', '20bb7', '30edd', '65', '301']);
    const res = await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload: { identity: { type: 'cn-resident', number: newResidentId() }, name, nameLatin: 'Ji\u0301' } });
    expect(res.statusCode).toBe(201);
    expect(codePoints(res.json().name)).toEqual(codePoints(name));
    const read = await t.app.inject({ method: 'GET', url: `/learners/${res.json().id}`, headers: bearer(op) });
    expect(codePoints(read.json().name)).toEqual(codePoints(name));
    expect(read.json().nameLatin).toBe('Ji\u0301');
    const row = await t.ctx.db.selectFrom('learners').select('name').where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(codePoints(row.name)).toEqual(codePoints(name));
  });

  it('returns the existing account for a second registration of the same person', async () => {
    const number = newResidentId();
    const a = await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload: { identity: { type: 'cn-resident', number }, name: '李四' } });
    const b = await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(op), payload: { identity: { type: 'cn-resident', number: number.toLowerCase() }, name: '李四' } });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(200);
    expect(b.json().id).toBe(a.json().id);
  });

  it('keeps one account when identical registrations race', async () => {
    const number = newResidentId();
    const before = await countLearners();
    const results = await Promise.all(Array.from({ length: 5 }, () => t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload: { identity: { type: 'cn-resident', number }, name: '王五' } })));
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(await countLearners()).toBe(before + 1);
  });

  it.each([
    ['wrong check digit', (n: string) => n.slice(0, 17) + (n[17] === '0' ? '1' : '0')],
    ['impossible birth date', (n: string) => `${n.slice(0, 10)}1399${n.slice(14)}`],
    ['letters', () => 'ABCDEFGHIJKLMNOPQR'],
    ['unknown province', (n: string) => `99${n.slice(2)}`],
  ])('rejects an identity number with %s and writes nothing', async (_label, mutate) => {
    const before = await countLearners();
    const res = await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload: { identity: { type: 'cn-resident', number: mutate(newResidentId()) }, name: '赵六' } });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'invalid_identity_number', status: 422, errors: [{ pointer: '/body/identity/number' }] });
    expect(await countLearners()).toBe(before);
  });

  it('lets a learner read only their own account', async () => {
    const a = await createLearner(t.app, inst.token);
    const b = await createLearner(t.app, inst.token);
    expect((await t.app.inject({ method: 'GET', url: `/learners/${a.id}`, headers: bearer(a.token) })).statusCode).toBe(200);
    const other = await t.app.inject({ method: 'GET', url: `/learners/${b.id}`, headers: bearer(a.token) });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('other_learner');
  });

  it('reveals the clear identity number to operators only, and audits it', async () => {
    const l = await createLearner(t.app, inst.token);
    const res = await t.app.inject({ method: 'GET', url: `/learners/${l.id}/identity`, headers: bearer(op) });
    expect(res.json().number).toBe(l.residentId);
    expect((await t.app.inject({ method: 'GET', url: `/learners/${l.id}/identity`, headers: bearer(inst.token) })).statusCode).toBe(403);
    const audit = await t.ctx.db.selectFrom('audit_trail').select('action').where('resource_id', '=', l.id).execute();
    expect(audit.map((a) => a.action)).toContain('learner.identity.reveal');
  });
});
