import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, createLearner, issueVc, operatorToken, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { oddVariants, type Json } from '../helpers/json-variants.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;
let learner: TestLearner;
beforeAll(async () => {
  t = await createTestApp();
  inst = await createInstitution(t.app, await operatorToken(t.app));
  learner = await createLearner(t.app, inst.token);
});
afterAll(async () => t.close());

const ob2 = (email: string, salt = 'deadsea'): Json => ({
  '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion', id: 'https://badges.example.org/assertions/1',
  recipient: { type: 'email', hashed: true, salt, identity: `sha256$${createHash('sha256').update(email + salt).digest('hex')}` },
  badge: { id: 'https://badges.example.org/badges/py', type: 'BadgeClass', name: 'Python Basics', description: 'd', image: 'https://badges.example.org/badges/py.png', criteria: { narrative: 'n' }, issuer: 'https://badges.example.org/issuer' },
  verification: { type: 'hosted' }, issuedOn: '2024-05-01T00:00:00Z',
});
const legacy: Json = { recipient: 'li@example.org', badge: { version: '0.5.0', name: 'Old', image: 'https://x.example/i.png', description: 'd', criteria: 'https://x.example/c', issuer: { origin: 'https://x.example', name: 'X' } } };

describe('importing credentials of any odd shape', () => {
  it.each([['OB 3.0 (JCS)', 'ob3'], ['OB 2.0', 'ob2'], ['OB 0.5', 'ob1']])('%s: every field removed or of the wrong type is imported unverified or refused with a problem, never a 500', async (_, kind) => {
    const base = kind === 'ob3' ? (await issueVc(t.app, inst, { cryptosuite: 'eddsa-jcs-2022' })).vc as Json : kind === 'ob2' ? ob2('li@example.org') : legacy;
    // A hosted OB 2.0 assertion carries no signature: other text, or a Unix timestamp for a date, is still a valid assertion.
    const stillValid = new Set(['badge.name = "x"', 'badge.description = "x"', 'badge.criteria.narrative = "x"', 'issuedOn = 7']);
    const problems: string[] = [];
    for (const v of oddVariants(base).filter((x) => !(kind === 'ob2' && stillValid.has(x.label)))) {
      const res = await t.app.inject({ method: 'POST', url: `/learners/${learner.id}/imports`, headers: bearer(learner.token), payload: { credential: v.value, email: 'li@example.org' } });
      if (res.statusCode === 201 || res.statusCode === 200) {
        if (kind !== 'ob1' && res.json().verified !== false) problems.push(`${v.label}: imported as verified`);
      } else if (res.statusCode >= 500 || typeof res.json().code !== 'string') {
        problems.push(`${v.label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
