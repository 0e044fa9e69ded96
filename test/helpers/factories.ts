import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { usccCheckChar } from '../../src/institutions/codes.js';
import { residentIdCheckChar } from '../../src/learners/identity.js';
import { OPERATOR_SECRET } from './test-app.js';

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

/** A unique, valid unified social credit code. */
export function newUscc(region = '440106'): string {
  const body = `12${region}${digits(9)}`;
  return body + usccCheckChar(body)!;
}

/** A unique, valid 18-digit resident identity number. */
export function newResidentId(birth = `19${randomInt(70, 99)}0${randomInt(1, 9)}1${randomInt(0, 9)}`): string {
  const body = `440106${birth}${digits(3)}`;
  return body + residentIdCheckChar(body);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function tokenFor(app: FastifyInstance, clientId: string, secret: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret } });
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
  return res.json().access_token as string;
}

export const operatorToken = (app: FastifyInstance) => tokenFor(app, 'operator', OPERATOR_SECRET);

export interface TestInstitution { id: string; slug: string; did: string; token: string; clientId: string }

export async function createInstitution(app: FastifyInstance, opToken: string,
  body: Record<string, unknown> = {}, scopes?: string[]): Promise<TestInstitution> {
  const n = digits(6);
  const res = await app.inject({
    method: 'POST', url: '/institutions', headers: bearer(opToken),
    payload: { name: { zh: `测试大学${n}`, en: `Test University ${n}` }, kind: 'university', country: 'CN', regionCode: '440106', uscc: newUscc(), ...body },
  });
  if (res.statusCode !== 201) throw new Error(`institution: ${res.statusCode} ${res.body}`);
  const inst = res.json();
  const client = await app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: bearer(opToken), payload: { name: 'registry', ...(scopes ? { scopes } : {}) } });
  if (client.statusCode !== 201) throw new Error(`client: ${client.statusCode} ${client.body}`);
  const { clientId, clientSecret } = client.json();
  return { id: inst.id, slug: inst.slug, did: inst.did, clientId, token: await tokenFor(app, clientId, clientSecret) };
}

export interface TestLearner { id: string; residentId: string; token: string }

/** Registers a learner through an institution, then signs them in through the dev identity provider. */
export async function createLearner(app: FastifyInstance, token: string, name = '张三'): Promise<TestLearner> {
  const residentId = newResidentId();
  const res = await app.inject({ method: 'POST', url: '/learners', headers: bearer(token), payload: { identity: { type: 'cn-resident', number: residentId }, name } });
  if (res.statusCode !== 201) throw new Error(`learner: ${res.statusCode} ${res.body}`);
  const idTok = await app.inject({ method: 'POST', url: '/dev-idp/id-tokens', payload: { sub: `sub-${residentId}`, name, residentId } });
  const ex = await app.inject({
    method: 'POST', url: '/oauth/token',
    payload: { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: idTok.json().id_token, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' },
  });
  if (ex.statusCode !== 200) throw new Error(`learner token: ${ex.statusCode} ${ex.body}`);
  return { id: res.json().id, residentId, token: ex.json().access_token };
}

/** An unsigned Open Badges 3.0 AchievementCredential from `issuerDid` (for POST /credentials/issue). */
export function obCredential(issuerDid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerDid, type: ['Profile'], name: '测试大学 Test University' },
    name: '数据库原理 Database Systems',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', hashed: true, identityHash: `sha256$${'ab'.repeat(32)}`, identityType: 'identifier', salt: `s-${randomInt(1e9)}` }],
      creditsEarned: 3,
      achievement: { id: 'https://bank.test/catalogue/db-101', type: ['Achievement'], achievementType: 'Course', name: '数据库原理', description: 'Relational databases.', criteria: { narrative: 'Pass the final exam.' }, creditsAvailable: 3 },
    },
    ...extra,
  };
}

/** Issues through the VC-API as the institution; returns the signed credential and its row id. */
export async function issueVc(app: FastifyInstance, inst: TestInstitution, options: Record<string, unknown> = {},
  credential: Record<string, unknown> = obCredential(inst.did)): Promise<{ vc: Record<string, unknown> | string; id: string }> {
  const res = await app.inject({ method: 'POST', url: '/credentials/issue', headers: bearer(inst.token), payload: { credential, options } });
  if (res.statusCode !== 201) throw new Error(`issue: ${res.statusCode} ${res.body}`);
  return { vc: res.json().verifiableCredential, id: String(res.headers.location).split('/').pop()! };
}

/** A valid course for POST /institutions/{id}/catalogue (unique code unless given). */
export function courseInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: `C${digits(8)}`, kind: 'course', title: { zh: '数据结构', en: 'Data Structures' },
    level: { frameworkId: 'gd-ltlqf', frameworkVersion: '2017', level: 5 }, creditSystemId: 'cn-university',
    credits: '3', notionalHours: '96', iscedCode: '0613', gradingSchemeId: 'percentage', language: 'zh-CN', mode: 'blended',
    outcomes: [{ zh: '能实现常用数据结构', en: 'Implements common data structures' }], effectiveFrom: '2024-09-01', ...overrides,
  };
}

export async function publishItem(app: FastifyInstance, inst: TestInstitution, overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await app.inject({ method: 'POST', url: `/institutions/${inst.id}/catalogue`, headers: bearer(inst.token), payload: courseInput(overrides) });
  if (res.statusCode !== 201) throw new Error(`catalogue: ${res.statusCode} ${res.body}`);
  return res.json();
}
