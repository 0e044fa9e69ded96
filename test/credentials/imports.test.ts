import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, createLearner, issueVc, operatorToken, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { oneEdTechControllers } from '../helpers/vectors.js';

let t: TestApp;
let inst: TestInstitution;
let learner: TestLearner;
beforeAll(async () => {
  t = await createTestApp({ config: { pinnedControllers: oneEdTechControllers() } });
  inst = await createInstitution(t.app, await operatorToken(t.app));
  learner = await createLearner(t.app, inst.token);
});
afterAll(async () => t.close());

const importAs = (payload: Record<string, unknown>, token = learner.token) =>
  t.app.inject({ method: 'POST', url: `/learners/${learner.id}/imports`, headers: bearer(token), payload });

function ob2(email: string, salt = 'deadsea') {
  return {
    '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion', id: 'https://badges.example.org/assertions/1',
    recipient: { type: 'email', hashed: true, salt, identity: `sha256$${createHash('sha256').update(email + salt).digest('hex')}` },
    badge: { id: 'https://badges.example.org/badges/py', type: 'BadgeClass', name: 'Python Basics', description: 'd', criteria: { narrative: 'n' }, issuer: 'https://badges.example.org/issuer' },
    verification: { type: 'hosted' }, issuedOn: '2024-05-01T00:00:00Z',
  };
}

describe('importing credentials from elsewhere', () => {
  it('a verified OB 3.0 credential from a trusted issuer counts for recognition; a second import returns the first', async () => {
    const { vc } = await issueVc(t.app, inst);
    const res = await importAs({ credential: vc });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ format: 'ob3', verified: true, trustedIssuer: true, countsForRecognition: true });
    expect((await importAs({ credential: vc })).json()).toMatchObject({ id: res.json().id, created: false });
  });

  it('the 1EdTech example verifies but its issuer is not trusted, so it does not count', async () => {
    const example = JSON.parse(readFileSync(new URL('../../credentials/vectors/ob-v3p0-signed-example.json', import.meta.url), 'utf8'));
    expect((await importAs({ credential: example })).json()).toMatchObject({ verified: true, trustedIssuer: false, countsForRecognition: false });
  });

  it('an Open Badges 2.0 assertion is checked against the recipient email hash', async () => {
    expect((await importAs({ credential: ob2('li@example.org'), email: 'li@example.org' })).json()).toMatchObject({ format: 'ob2', verified: true, countsForRecognition: false });
    expect((await importAs({ credential: ob2('someone@example.org', 'x'), email: 'li@example.org' })).json()).toMatchObject({ format: 'ob2', verified: false });
  });

  it('a legacy Open Badges 0.5 assertion goes through openbadges-validator offline', async () => {
    const legacy = { recipient: 'li@example.org', badge: { version: '0.5.0', name: 'Old', image: 'https://x.example/i.png', description: 'd', criteria: 'https://x.example/c', issuer: { origin: 'https://x.example', name: 'X' } } };
    const r = (await importAs({ credential: legacy })).json();
    expect(r).toMatchObject({ format: 'ob1', verification: 'openbadges-validator:offline-structure', verified: true });
    const bad = (await importAs({ credential: { ...legacy, badge: { ...legacy.badge, issuer: { name: 'X' } } } })).json();
    expect(bad.verified).toBe(false);
  });

  it('another learner cannot import into this record', async () => {
    const other = await createLearner(t.app, inst.token);
    expect((await importAs({ credential: ob2('a@b.c'), email: 'a@b.c' }, other.token)).statusCode).toBe(403);
  });
});
