import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { takeSerializerLosses, watchSerializer } from '../helpers/serializer-check.js';

// The guard every test service runs under (test/setup/serializer-check.ts): it must see what the
// schema serialiser does silently, and nothing when the schema describes the response.
describe('the response serialiser check', () => {
  it('reports a field the response schema leaves out and a null turned into text, and nothing for a faithful response', async () => {
    const app = Fastify();
    watchSerializer(app);
    const response = { 200: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } };
    app.get('/lossy', { schema: { response } }, async () => ({ id: 'a', name: null, sources: [{ title: 'ISCED-F 2013' }] }));
    app.get('/faithful', { schema: { response } }, async () => ({ id: 'a', name: 'b' }));
    await app.ready();

    expect((await app.inject('/faithful')).json()).toEqual({ id: 'a', name: 'b' });
    expect(takeSerializerLosses()).toEqual([]);

    expect((await app.inject('/lossy')).json()).toEqual({ id: 'a', name: '' });
    const losses = takeSerializerLosses();
    expect(losses).toHaveLength(2);
    expect(losses).toContainEqual(expect.stringMatching(/^GET \/lossy → 200: \/name: the handler gave null, the client got ""/));
    expect(losses).toContainEqual(expect.stringMatching(/^GET \/lossy → 200: \/sources: left out by the response schema/));
    await app.close();
  });
});
