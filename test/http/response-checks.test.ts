import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { takeResponseFindings, watchResponses } from '../helpers/response-checks.js';

// The checks every test service runs under (test/setup/response-checks.ts): each must see what it
// is for, and nothing in a response that is right.
describe('the response checks', () => {
  it('report a field the response schema leaves out and a null turned into text, and nothing for a faithful response', async () => {
    const app = Fastify();
    watchResponses(app);
    const response = { 200: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } };
    app.get('/lossy', { schema: { response } }, async () => ({ id: 'a', name: null, sources: [{ title: 'ISCED-F 2013' }] }));
    app.get('/faithful', { schema: { response } }, async () => ({ id: 'a', name: 'b' }));
    await app.ready();

    expect((await app.inject('/faithful')).json()).toEqual({ id: 'a', name: 'b' });
    expect(takeResponseFindings()).toEqual([]);

    expect((await app.inject('/lossy')).json()).toEqual({ id: 'a', name: '' });
    const found = takeResponseFindings();
    expect(found).toHaveLength(2);
    expect(found).toContainEqual(expect.stringMatching(/^GET \/lossy → 200: \/name: the handler gave null, the client got ""/));
    expect(found).toContainEqual(expect.stringMatching(/^GET \/lossy → 200: \/sources: left out by the response schema/));
    await app.close();
  });

  it('report a 400 or 422 problem that names no field, and not one that does, nor a 409 or a verification report', async () => {
    const app = Fastify();
    watchResponses(app);
    const problem = (status: number, extra: Record<string, unknown> = {}) => async (_req: unknown, reply: { code(n: number): { type(t: string): { send(b: unknown): unknown } } }) =>
      reply.code(status).type('application/problem+json').send(JSON.stringify({ status, code: 'bad', ...extra }));
    app.post('/vague', problem(422));
    app.post('/precise', problem(400, { errors: [{ pointer: '/body/name', message: 'required' }] }));
    app.post('/conflict', problem(409));
    app.post('/report', async (_req, reply) => reply.code(400).send({ verified: false, checks: [] }));
    await app.ready();

    for (const url of ['/precise', '/conflict', '/report']) await app.inject({ method: 'POST', url });
    expect(takeResponseFindings()).toEqual([]);
    await app.inject({ method: 'POST', url: '/vague' });
    expect(takeResponseFindings()).toEqual([expect.stringMatching(/^POST \/vague → 422: a problem that names no field/)]);
    await app.close();
  });
});
