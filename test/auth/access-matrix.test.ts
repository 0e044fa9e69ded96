import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, createLearner, operatorToken, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

type Who = 'operator' | 'ownInst' | 'otherInst' | 'ownLearner' | 'otherLearner' | 'anon';
const ALL: Who[] = ['operator', 'ownInst', 'otherInst', 'ownLearner', 'otherLearner', 'anon'];
const STAFF: Who[] = ['operator', 'ownInst', 'otherInst'];

/**
 * Every route × every principal kind. A route registered without a row here fails the test, so no
 * new route can escape the matrix. "own" means the institution or learner named in the path.
 */
const EXPECTED: Record<string, Who[]> = {
  'GET /health': ALL,
  'GET /ready': ALL,
  'GET /openapi.json': ALL,
  'POST /oauth/token': ALL,
  'GET /dev-idp/jwks.json': ALL,
  'POST /dev-idp/id-tokens': ALL,
  'POST /institutions': ['operator'],
  'GET /institutions': ALL,
  'GET /institutions/:id': ALL,
  'POST /institutions/:id/clients': ['operator', 'ownInst'],
  'POST /learners': STAFF,
  'POST /learners/lookup': STAFF,
  'GET /learners/:id': [...STAFF, 'ownLearner'],
  'GET /learners/:id/identity': ['operator'],
  'GET /me': ['ownLearner', 'otherLearner'],
  'GET /frameworks': ALL,
  'GET /frameworks/:id': ALL,
  'GET /frameworks/:id/levels/:level/equivalents': ALL,
  'GET /credit-systems': ALL,
  'GET /grading-schemes': ALL,
  'GET /fields-of-study': ALL,
  'POST /credits/convert': ALL,
  'POST /frameworks': ['operator'],
  'POST /frameworks/load': ['operator'],
  'POST /institutions/:id/catalogue': ['operator', 'ownInst'],
  'POST /institutions/:id/catalogue/batches': ['operator', 'ownInst'],
  'GET /catalogue': ALL,
  'GET /catalogue/:id': ALL,
  'POST /catalogue/:id/retire': STAFF,
  'POST /learners/:id/achievements': STAFF,
  'GET /achievements/:id': [...STAFF, 'ownLearner', 'otherLearner'],
  'POST /achievements/:id/corrections': STAFF,
  'POST /achievements/:id/revocations': STAFF,
  'POST /achievements/batches': STAFF,
  'GET /learners/:id/record': [...STAFF, 'ownLearner'],
  'GET /learners/:id/record/export': ['operator', 'ownLearner'],
  'GET /learners/:id/micro-majors': ['operator', 'ownLearner'],
  'POST /learners/:id/shares': ['ownLearner'],
  'GET /learners/:id/shares': ['ownLearner'],
  'DELETE /learners/:id/shares/:shareId': ['ownLearner'],
  'GET /learners/:id/shares/:shareId/accesses': ['ownLearner'],
  'GET /shared/:token': ALL,
  'GET /ledger/tree-head': ALL,
  'GET /ledger/tree-heads': ALL,
  'GET /ledger/entries': ALL,
  'GET /ledger/proofs/inclusion': ALL,
  'GET /ledger/proofs/consistency': ALL,
  'GET /ledger/keys': ALL,
  'GET /ledger/checks/database': ['operator'],
  'GET /.well-known/did.json': ALL,
  'GET /institutions/:id/did.json': ALL,
  'GET /institutions/:id/keys': ['operator', 'ownInst'],
  'POST /institutions/:id/keys/rotate': ['operator', 'ownInst'],
  'POST /keys/:keyId/revoke': ['operator'],
  'POST /bank/keys/rotate': ['operator'],
  'GET /bank/keys': ['operator'],
  'GET /credentials/:id/ledger-proof': ALL,
  'POST /credentials/issue': STAFF,
  'GET /learners/:id/credentials': [...STAFF, 'ownLearner'],
  'POST /learners/:id/credentials': STAFF,
  'POST /learners/:id/imports': ['operator', 'ownLearner'],
  'POST /learners/:id/clr': ['operator', 'ownLearner'],
  'POST /institutions/:id/credentials/batches': ['operator', 'ownInst'],
  'POST /credentials/:id/status': STAFF,
  'GET /status-lists/:id': ALL,
  'GET /credentials/:id/qr.svg': ALL,
  'POST /credentials/verify': ALL,
  'POST /presentations/verify': ALL,
  'GET /verify': ALL,
  'GET /verify/:id': ALL,
  'GET /programmes': ALL,
  'GET /programmes/:programmeId': ALL,
  'POST /institutions/:id/programmes': ['operator', 'ownInst'],
  'POST /learners/:id/enrolments': [...STAFF, 'ownLearner'],
  'GET /learners/:id/enrolments': [...STAFF, 'ownLearner'],
  'GET /learners/:id/audits/:programmeId': [...STAFF, 'ownLearner'],
  'POST /learners/:id/audits/:programmeId/what-if': [...STAFF, 'ownLearner'],
  'POST /learners/:id/awards': STAFF,
  'GET /learners/:id/awards': [...STAFF, 'ownLearner'],
  'POST /awards/:id/rescissions': STAFF,
  'POST /rules': STAFF,
  'GET /rules': ALL,
  'GET /rules/:id': ALL,
  'POST /rules/:id/versions': STAFF,
  'GET /rules/:id/affected': STAFF,
  'POST /rules/:id/re-evaluate': STAFF,
  'POST /agreements': STAFF,
  'GET /agreements': ALL,
  'GET /agreements/:id': ALL,
  'POST /agreements/:id/parties': STAFF,
  'POST /agreements/:id/parties/:institutionId/leave': ['operator', 'ownInst'],
  'POST /recognition/preview': ALL,
  'POST /recognition/requests': ['ownLearner', 'otherLearner'],
  'GET /recognition/requests/:id': [...STAFF, 'ownLearner', 'otherLearner'],
  'GET /institutions/:id/recognition/queue': ['operator', 'ownInst'],
  'POST /recognition/requests/:id/items/:itemId/decision': STAFF,
  'POST /recognition/requests/:id/items/:itemId/appeal': ['ownLearner', 'otherLearner'],
  'POST /recognition/requests/:id/items/:itemId/appeal/decision': STAFF,
  'GET /learners/:id/recognition/notices': ['operator', 'ownLearner'],
  'GET /institutions/:id/recognition/notices': ['operator', 'ownInst'],
};

let t: TestApp;
const tokens = {} as Record<Who, string | undefined>;
let own: TestInstitution;
let learner: TestLearner;

beforeAll(async () => {
  t = await createTestApp();
  tokens.operator = await operatorToken(t.app);
  own = await createInstitution(t.app, tokens.operator);
  tokens.ownInst = own.token;
  tokens.otherInst = (await createInstitution(t.app, tokens.operator)).token;
  learner = await createLearner(t.app, own.token);
  tokens.ownLearner = learner.token;
  tokens.otherLearner = (await createLearner(t.app, own.token)).token;
  tokens.anon = undefined;
});
afterAll(async () => t.close());

function concreteUrl(url: string): string {
  const learnerRoute = url.startsWith('/learners/:id');
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (name === 'id') return learnerRoute ? learner.id : url.startsWith('/institutions/:id') ? own.id : randomUUID();
    if (name === 'slug') return own.slug;
    if (name === 'learnerId') return learner.id;
    if (name === 'institutionId') return own.id;
    return randomUUID();
  }).replace('*', 'x');
}

describe('access matrix', () => {
  it('has an expectation for every registered route', () => {
    const missing = t.routes.filter((r) => !r.url.startsWith('/docs') && !(`${r.method} ${r.url}` in EXPECTED));
    expect(missing.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('allows and denies each principal exactly as the matrix says', async () => {
    const wrong: string[] = [];
    for (const route of t.routes) {
      const allowed = route.url.startsWith('/docs') ? ALL : EXPECTED[`${route.method} ${route.url}`] ?? [];
      for (const who of ALL) {
        const token = tokens[who];
        const res = await t.app.inject({
          method: route.method as 'GET', url: concreteUrl(route.url),
          headers: token ? bearer(token) : {},
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        const denied = res.statusCode === 401 || res.statusCode === 403;
        if (denied === allowed.includes(who)) wrong.push(`${route.method} ${route.url} as ${who}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
