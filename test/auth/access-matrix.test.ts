import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAccess } from '../../src/http/auth-hook.js';
import { bearer, createInstitution, createLearner, issueVc, operatorToken, publishItem, tokenFor, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { deposit, depositBody } from '../records/fixtures.js';

type Kind = 'operator' | 'ownInst' | 'otherInst' | 'ownLearner' | 'otherLearner' | 'anon';
/** Also a client of the own institution that holds only NARROW_SCOPE: its row is derived, see allowedFor. */
type Who = Kind | 'ownInstNarrow';
const ALL: Kind[] = ['operator', 'ownInst', 'otherInst', 'ownLearner', 'otherLearner', 'anon'];
const STAFF: Kind[] = ['operator', 'ownInst', 'otherInst'];
const OWNERS: Kind[] = ['operator', 'ownInst'];
const NARROW_SCOPE = 'catalogue:write';
/** Denied principals first, so that a write allowed later cannot change what an earlier call sees. */
const CALL_ORDER: Who[] = ['anon', 'otherLearner', 'ownLearner', 'otherInst', 'ownInstNarrow', 'ownInst', 'operator'];

/**
 * Every route × every principal kind. A route registered without a row here fails the test, so no
 * new route can escape the matrix. "own" means the institution or learner named in the path, or
 * the one that owns the record it names: every :id is a real record (an achievement, catalogue
 * item, recognition request, credential, status list, programme, award, rule, agreement, share)
 * of the own institution or the own learner,
 * and each write gets a valid body, so the service's own tenancy checks run too.
 */
const EXPECTED: Record<string, Kind[]> = {
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
  'GET /institutions/:id/clients': ['operator', 'ownInst'],
  'POST /institutions/:id/clients/:clientId/revocation': ['operator', 'ownInst'],
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
  'POST /catalogue/:id/retire': OWNERS,
  'POST /learners/:id/achievements': OWNERS,
  'GET /achievements/:id': [...STAFF, 'ownLearner'],
  'POST /achievements/:id/corrections': OWNERS,
  'POST /achievements/:id/revocations': OWNERS,
  'POST /achievements/batches': STAFF,
  'POST /achievements': STAFF,
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
  'POST /ledger/keys/rotate': ['operator'],
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
  'POST /learners/:id/credentials': OWNERS,
  'POST /learners/:id/imports': ['operator', 'ownLearner'],
  'GET /learners/:id/imports': [...STAFF, 'ownLearner'],
  'POST /trusted-issuers': ['operator'],
  'GET /trusted-issuers': ALL,
  'GET /trusted-issuers/:id': ALL,
  'POST /trusted-issuers/:id/removal': ['operator'],
  'POST /learners/:id/clr': ['operator', 'ownLearner'],
  'POST /institutions/:id/credentials/batches': ['operator', 'ownInst'],
  'POST /credentials/:id/status': OWNERS,
  'GET /status-lists/:id': ALL,
  'GET /credentials/:id/qr.svg': ALL,
  'POST /credentials/verify': ALL,
  'POST /presentations/verify': ALL,
  'GET /verify': ALL,
  'GET /verify/:id': ALL,
  'GET /programmes': ALL,
  'GET /programmes/:programmeId': ALL,
  'POST /institutions/:id/programmes': ['operator', 'ownInst'],
  'POST /learners/:id/enrolments': [...OWNERS, 'ownLearner'],
  'GET /learners/:id/enrolments': [...STAFF, 'ownLearner'],
  'GET /learners/:id/audits/:programmeId': [...OWNERS, 'ownLearner'],
  'POST /learners/:id/audits/:programmeId/what-if': [...OWNERS, 'ownLearner'],
  'POST /learners/:id/awards': OWNERS,
  'GET /learners/:id/awards': [...STAFF, 'ownLearner'],
  'POST /awards/:id/rescissions': OWNERS,
  'POST /learners/:id/waivers': OWNERS,
  'GET /learners/:id/waivers': [...OWNERS, 'ownLearner'],
  'POST /learners/:id/waivers/:waiverId/revocations': OWNERS,
  'POST /rules': STAFF,
  'GET /rules': ALL,
  'GET /rules/:id': ALL,
  'POST /rules/:id/versions': OWNERS,
  'GET /rules/:id/affected': OWNERS,
  'POST /rules/:id/re-evaluate': OWNERS,
  'POST /agreements': STAFF,
  'GET /agreements': ALL,
  'GET /agreements/:id': ALL,
  'POST /agreements/:id/parties': OWNERS,
  'POST /agreements/:id/parties/:institutionId/leave': ['operator', 'ownInst'],
  'POST /agreements/:id/end': ['operator'],
  'POST /recognition/preview': ALL,
  'POST /recognition/requests': ['ownLearner', 'otherLearner'],
  'GET /recognition/requests/:id': [...OWNERS, 'ownLearner'],
  'GET /institutions/:id/recognition/queue': ['operator', 'ownInst'],
  'POST /recognition/requests/:id/items/:itemId/decision': OWNERS,
  'POST /recognition/requests/:id/items/:itemId/appeal': ['ownLearner'],
  'POST /recognition/requests/:id/items/:itemId/appeal/decision': OWNERS,
  'GET /learners/:id/recognition/notices': ['operator', 'ownLearner'],
  'GET /learners/:id/recognition/requests': ['operator', 'ownLearner'],
  'GET /institutions/:id/recognition/requests': ['operator', 'ownInst'],
  'GET /institutions/:id/recognition/notices': ['operator', 'ownInst'],
};

/**
 * Routes whose service (not the route's declared access) needs a scope the narrow client lacks,
 * e.g. reading a learner needs learners:read.
 */
const SERVICE_SCOPE: Record<string, string> = {
  'GET /learners/:id': 'learners:read',
  'GET /recognition/requests/:id': 'recognition:review',
};

/** The narrow client may do what the own institution may, where the route's scope is the one it holds. */
function allowedFor(route: RouteAccess, who: Who): boolean {
  const key = `${route.method} ${route.url}`;
  const allowed = route.url.startsWith('/docs') ? ALL : EXPECTED[key] ?? [];
  if (who !== 'ownInstNarrow') return allowed.includes(who);
  if (!allowed.includes('ownInst')) return false;
  const scope = route.access.scope ?? SERVICE_SCOPE[key];
  return route.access.allow.includes('public') || scope === undefined || scope === NARROW_SCOPE;
}

/** Tenancy denials whose domain names the reason more precisely than other_institution. */
const TENANCY_CODE: Record<string, string> = {
  'POST /credentials/:id/status': 'not_issuer',
  'POST /learners/:id/achievements': 'other_institution_item',
  'POST /learners/:id/enrolments': 'not_awarding_institution',
  'GET /learners/:id/audits/:programmeId': 'not_awarding_institution',
  'POST /learners/:id/audits/:programmeId/what-if': 'not_awarding_institution',
  'POST /learners/:id/awards': 'not_awarding_institution',
  'POST /awards/:id/rescissions': 'not_awarding_institution',
  'POST /learners/:id/waivers': 'not_awarding_institution',
  'GET /learners/:id/waivers': 'not_awarding_institution',
  'POST /learners/:id/waivers/:waiverId/revocations': 'not_awarding_institution',
};

/** Routes open to institutions whose service lets only the operator act on the matrix's record (a regional agreement). */
const SERVICE_OPERATOR_ONLY = new Set(['POST /agreements/:id/end']);

/** Why a principal is denied: the problem code the matrix expects, so a denial for the wrong reason fails. */
function denialCode(route: RouteAccess, who: Who): string {
  const key = `${route.method} ${route.url}`;
  const kind = who === 'anon' ? 'public' : who === 'operator' ? 'operator' : who.endsWith('Learner') ? 'learner' : 'institution';
  if (kind === 'public') return 'authentication_required';
  if (!route.access.allow.includes(kind)) return 'principal_not_allowed';
  if (kind === 'institution' && SERVICE_OPERATOR_ONLY.has(key)) return 'operator_only';
  if (who === 'ownInstNarrow') return 'insufficient_scope';
  if (who === 'otherLearner') return 'other_learner';
  return TENANCY_CODE[key] ?? 'other_institution';
}

let t: TestApp;
const tokens = {} as Record<Who, string | undefined>;
let own: TestInstitution;
let learner: TestLearner;
/** Records of the own institution and learner that :id params name. */
const ids = {} as Record<'item' | 'retirableItem' | 'achievement' | 'revocableAchievement' | 'request' | 'requestItem' | 'credential'
  | 'programme' | 'award' | 'rule' | 'agreement' | 'share' | 'statusList' | 'joiner' | 'waiver' | 'trustedIssuer' | 'client', string>;

/** A one-requirement programme of the own institution that the learner's two 3-credit achievements complete. */
const matrixProgramme = (id: string, awarding: string) => ({
  id, version: '1', awardingInstitution: awarding, name: { en: 'Access matrix certificate', zh: '访问矩阵证书' },
  frameworkLevel: { framework: 'gd-ltlqf', level: '5' }, creditSystem: 'cn-university', totalCredits: '3',
  requirements: [{ id: 'any', kind: 'category', name: { en: 'Any course', zh: '任意课程' }, minCredits: '3', acceptsAny: true }], caps: [],
  sources: [{ title: 'Test programme', url: 'https://test.invalid/programme', confirms: [] }],
});

async function must(res: { statusCode: number; body: string; json(): any }, status: number, what: string): Promise<any> {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json();
}

beforeAll(async () => {
  t = await createTestApp();
  tokens.operator = await operatorToken(t.app);
  own = await createInstitution(t.app, tokens.operator);
  tokens.ownInst = own.token;
  tokens.otherInst = (await createInstitution(t.app, tokens.operator)).token;
  const narrow = await t.app.inject({ method: 'POST', url: `/institutions/${own.id}/clients`, headers: bearer(own.token), payload: { name: 'narrow', scopes: [NARROW_SCOPE] } });
  tokens.ownInstNarrow = await tokenFor(t.app, narrow.json().clientId, narrow.json().clientSecret);
  ids.client = String((await must(await t.app.inject({ method: 'POST', url: `/institutions/${own.id}/clients`, headers: bearer(own.token), payload: { name: 'to revoke' } }), 201, 'client')).clientId);
  learner = await createLearner(t.app, own.token);
  tokens.ownLearner = learner.token;
  tokens.otherLearner = (await createLearner(t.app, own.token)).token;
  tokens.anon = undefined;

  ids.item = String((await publishItem(t.app, own)).id);
  ids.retirableItem = String((await publishItem(t.app, own)).id);
  const achieve = async () => {
    const res = await deposit(t.app, own.token, learner.id, depositBody(ids.item, { completedOn: '2025-01-15' }));
    if (res.statusCode !== 201) throw new Error(`deposit: ${res.statusCode} ${res.body}`);
    return String(res.json().id);
  };
  ids.achievement = await achieve();
  ids.revocableAchievement = await achieve();
  // Achievements from a third institution, recognised by the own one (the reviewer).
  const source = await createInstitution(t.app, tokens.operator, { kind: 'certification-body' });
  // (also the agreement's second party, below)
  const sourceItem = String((await publishItem(t.app, source)).id);
  const sourced = await deposit(t.app, source.token, learner.id, depositBody(sourceItem, { completedOn: '2025-01-15' }));
  const request = await t.app.inject({ method: 'POST', url: '/recognition/requests', headers: bearer(learner.token), payload: { targetInstitutionId: own.id, achievementIds: [sourced.json().id] } });
  if (request.statusCode !== 201) throw new Error(`request: ${request.statusCode} ${request.body}`);
  ids.request = String(request.json().id);
  ids.requestItem = String(request.json().items[0].id);
  const issued = await issueVc(t.app, own);
  ids.credential = issued.id;
  ids.statusList = String((issued.vc as any).credentialStatus.statusListCredential ?? (issued.vc as any).credentialStatus[0].statusListCredential).split('/').pop()!;

  const post = (url: string, token: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url, headers: bearer(token), payload });
  ids.programme = `matrix-${randomUUID().slice(0, 8)}`;
  await must(await post(`/institutions/${own.id}/programmes`, own.token, { programme: matrixProgramme(ids.programme, own.slug) }), 201, 'programme');
  await must(await post(`/learners/${learner.id}/enrolments`, learner.token, { programmeId: ids.programme }), 201, 'enrolment');
  ids.award = String((await must(await post(`/learners/${learner.id}/awards`, own.token, { programmeId: ids.programme }), 201, 'award')).id);
  ids.rule = String((await must(await post('/rules', own.token, { type: 'block', effectiveFrom: '2020-01-01', rationale: 'Matrix rule', evidence: [],
    definition: { pattern: { kinds: ['exam'] }, credits: '1', category: 'elective' } }), 201, 'rule')).id);
  // An alliance of the source and a third institution, which the own institution joins (and leaves) through the matrix.
  ids.joiner = (await createInstitution(t.app, tokens.operator)).id;
  ids.agreement = String((await must(await post('/agreements', tokens.operator, { kind: 'regional', name: { en: 'Matrix alliance', zh: '矩阵联盟' },
    effectiveFrom: '2020-01-01', parties: [{ institutionId: source.id }, { institutionId: ids.joiner }] }), 201, 'agreement')).id);
  ids.share = String((await must(await post(`/learners/${learner.id}/shares`, learner.token, { expiresAt: new Date(Date.now() + 86_400_000).toISOString() }), 201, 'share')).id);
  const waiver = await post(`/learners/${learner.id}/waivers`, own.token, { programmeId: ids.programme, requirementId: 'any', reason: 'Prior professional certification' });
  ids.waiver = String((await must(waiver, 201, 'waiver')).id);
  ids.trustedIssuer = String((await must(await post('/trusted-issuers', tokens.operator, { issuerId: 'https://matrix-badges.example.org/issuer', name: { en: 'Matrix Badges' } }), 201, 'trusted issuer')).id);
});
afterAll(async () => t.close());

/**
 * A valid body for writes whose tenancy the service checks after validation. "Own" is whose record
 * the body names: a deposit against the own institution's item, a credential for its achievement.
 */
const BODIES: Record<string, Record<string, unknown> | (() => Record<string, unknown>)> = {
  'POST /learners/:id/enrolments': () => ({ programmeId: ids.programme }),
  'POST /learners/:id/awards': () => ({ programmeId: ids.programme }),
  'POST /learners/:id/credentials': () => ({ achievementId: ids.achievement }),
  'POST /learners/:id/achievements': () => depositBody(ids.item, { completedOn: '2025-02-01' }),
  'POST /awards/:id/rescissions': { reason: 'Awarded in error' },
  'POST /learners/:id/audits/:programmeId/what-if': () => ({ items: [{ catalogueItemId: ids.item }] }),
  'POST /rules/:id/versions': { effectiveFrom: '2021-01-01', rationale: 'Matrix rule, second version', evidence: [],
    definition: { pattern: { kinds: ['exam'] }, credits: '2', category: 'elective' } },
  'POST /agreements/:id/parties': () => ({ institutionId: own.id, joinedOn: new Date().toISOString().slice(0, 10) }),
  'POST /agreements/:id/parties/:institutionId/leave': { leftOn: '2099-01-01' },
  'POST /agreements/:id/end': { endsOn: '2099-01-01', reason: 'Alliance dissolved' },
  'POST /achievements/:id/corrections': { result: '78', completedOn: '2025-01-15', supersedes: 1, reason: 'Re-marked' },
  'POST /achievements/:id/revocations': { reason: 'Issued in error' },
  'POST /catalogue/:id/retire': { reason: 'Replaced by a new syllabus' },
  'POST /credentials/:id/status': { action: 'suspend', reason: 'Under review' },
  'POST /trusted-issuers/:id/removal': { reason: 'Accreditation withdrawn' },
  'POST /recognition/requests/:id/items/:itemId/decision': { outcome: 'reject', reason: 'Learning outcomes differ' },
  'POST /recognition/requests/:id/items/:itemId/appeal': { reason: 'The outcomes match', evidence: [{ url: 'https://evidence.example/syllabus.pdf' }] },
  'POST /recognition/requests/:id/items/:itemId/appeal/decision': { outcome: 'approve', reason: 'Appeal upheld', reviewer: 'second reviewer' },
  'POST /learners/:id/waivers': () => ({ programmeId: ids.programme, requirementId: 'any', reason: 'Studied at a partner campus' }),
  'POST /learners/:id/waivers/:waiverId/revocations': { reason: 'Granted in error' },
  'POST /institutions/:id/clients/:clientId/revocation': { reason: 'Secret leaked' },
};

/** Required query strings of routes that need one to reach their service. */
const QUERIES: Record<string, () => string> = {
  'GET /learners/:id/waivers': () => `?programmeId=${ids.programme}`,
};

function bodyFor(key: string): Record<string, unknown> {
  const b = BODIES[key];
  return typeof b === 'function' ? b() : b ?? {};
}

function idFor(url: string): string {
  if (url.startsWith('/learners/:id')) return learner.id;
  if (url.startsWith('/institutions/:id')) return own.id;
  if (url === '/achievements/:id/revocations') return ids.revocableAchievement;
  if (url.startsWith('/achievements/:id')) return ids.achievement;
  if (url === '/catalogue/:id/retire') return ids.retirableItem;
  if (url.startsWith('/catalogue/:id')) return ids.item;
  if (url.startsWith('/recognition/requests/:id')) return ids.request;
  if (url.startsWith('/credentials/:id')) return ids.credential;
  if (url.startsWith('/trusted-issuers/:id')) return ids.trustedIssuer;
  if (url.startsWith('/awards/:id')) return ids.award;
  if (url.startsWith('/rules/:id')) return ids.rule;
  if (url.startsWith('/agreements/:id')) return ids.agreement;
  if (url.startsWith('/status-lists/:id')) return ids.statusList;
  return randomUUID();
}

function concreteUrl(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (name === 'id') return idFor(url);
    if (name === 'slug') return own.slug;
    if (name === 'learnerId') return learner.id;
    if (name === 'institutionId') return own.id;
    if (name === 'itemId' && url.startsWith('/recognition/requests/:id')) return ids.requestItem;
    if (name === 'programmeId') return ids.programme;
    if (name === 'shareId') return ids.share;
    if (name === 'waiverId') return ids.waiver;
    if (name === 'clientId') return ids.client;
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
      const key = `${route.method} ${route.url}`;
      for (const who of CALL_ORDER) {
        const token = tokens[who];
        const res = await t.app.inject({
          method: route.method as 'GET', url: concreteUrl(route.url) + (QUERIES[key]?.() ?? ''),
          headers: token ? bearer(token) : {},
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: bodyFor(key) }),
        });
        const denied = res.statusCode === 401 || res.statusCode === 403;
        const allowed = allowedFor(route, who);
        if (denied === allowed) wrong.push(`${key} as ${who}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        else if (denied && res.json().code !== denialCode(route, who)) wrong.push(`${key} as ${who}: denied with ${res.json().code}, expected ${denialCode(route, who)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
