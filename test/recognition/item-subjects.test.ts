import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstitution } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { deposit } from '../records/fixtures.js';
import { achieve, get, item, post, worldApp, type World } from './service-fixtures.js';

// A reviewer decides on what the learner asked about: the queue and the request show each item's
// course or learning, where it comes from, its credits, result and evidence, with no share granted
// and no records:read scope (the reviewer client below holds recognition:review only).
let t: TestApp;
let w: World;
let reviewer: Awaited<ReturnType<typeof createInstitution>>;
const nameOf = async (id: string) => { const n = (await get(t.app, `/institutions/${id}`)).json().name; return `${n.zh} ${n.en}`; };

beforeAll(async () => {
  ({ t, w } = await worldApp());
  const client = await post(t.app, `/institutions/${w.target.id}/clients`, w.op, { name: 'reviewers', scopes: ['recognition:review'] });
  expect(client.statusCode, client.body).toBe(201);
  const tok = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: client.json().clientId, client_secret: client.json().clientSecret } });
  reviewer = { ...w.target, token: tok.json().access_token };
});
afterAll(async () => t.close());

describe('what a reviewer sees of a requested item', () => {
  it('a course: code, title, provider, credits, result, date and evidence, in the queue and the request; revoked once revoked', async () => {
    const course = await item(t, w.source, { code: 'GEO210', titleEn: 'Cartography', credits: '3' });
    const a = await achieve(t.app, w.source, w.learner.id, course.id, { result: '91', completedOn: '2024-01-15' });
    expect((await get(t.app, `/achievements/${a}`, reviewer.token)).statusCode).toBe(403); // no record access as such
    const req = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [a] });
    expect(req.statusCode).toBe(201);
    const expected = {
      title: 'Cartography', code: 'GEO210', kind: 'course', provider: { id: w.source.id, name: await nameOf(w.source.id) },
      credits: '3', result: '91', completedOn: '2024-01-15', evidence: { url: 'https://evidence.example/transcript.pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      provenance: null, verification: null, revoked: false,
    };
    expect(req.json().items[0].subject).toMatchObject(expected);
    const queue = await get(t.app, `/institutions/${w.target.id}/recognition/queue`, reviewer.token);
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.find((i: { achievementId: string }) => i.achievementId === a).subject).toMatchObject(expected);
    expect((await post(t.app, `/achievements/${a}/revocations`, w.source.token, { reason: 'result annulled' })).statusCode).toBe(201);
    const after = await get(t.app, `/recognition/requests/${req.json().id}`, reviewer.token);
    expect(after.json().items[0].subject).toMatchObject({ ...expected, revoked: true });
  });

  it('learning outside the catalogue: its title and provenance, deposited by another institution', async () => {
    const res = await deposit(t.app, w.source.token, w.learner.id, {
      externalId: 'cert-subject', completedOn: '2023-11-02', credits: '2', evidence: { url: 'https://certs.example/0001', sha256: 'ab'.repeat(32) },
      learning: {
        source: 'verified-certificate', title: { zh: '网络安全工程师（中级）', en: 'Network security engineer (intermediate)' }, creditSystemId: 'cn-university',
        provenance: { issuer: 'Ministry certification centre (demo)', method: 'registry look-up', reference: 'NO-2023-0001' },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const req = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [res.json().id] });
    expect(req.json().items[0].subject).toEqual({
      title: '网络安全工程师（中级） Network security engineer (intermediate)', code: null, kind: 'verified-certificate',
      provider: { id: w.source.id, name: await nameOf(w.source.id) }, credits: '2', creditSystemId: 'cn-university', result: null, completedOn: '2023-11-02',
      evidence: { url: 'https://certs.example/0001', sha256: 'ab'.repeat(32) },
      provenance: { issuer: 'Ministry certification centre (demo)', method: 'registry look-up', reference: 'NO-2023-0001' }, verification: null, revoked: false,
    });
  });
});
