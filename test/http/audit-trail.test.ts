import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createInstitution, newResidentId, newUscc, operatorToken, type TestInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const now = new Date('2026-03-02T03:04:05.000Z');
let t: TestApp;
let op: string;
let inst: TestInstitution;

beforeAll(async () => {
  t = await createTestApp({ clock: { now: () => now } });
  op = await operatorToken(t.app);
  inst = await createInstitution(t.app, op);
});
afterAll(async () => t.close());

const linesFor = (resourceType: string, resourceId: string) => t.ctx.db.selectFrom('audit_trail')
  .select(['occurred_at', 'principal_kind', 'principal_id', 'institution_id', 'learner_id', 'action', 'resource_type', 'resource_id', 'request_id', 'detail'])
  .where('resource_type', '=', resourceType).where('resource_id', '=', resourceId).execute();

describe('the audit trail records who wrote what, when, under which request id', () => {
  it('for an institution registered by the operator', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/institutions', headers: bearer(op), payload: { name: { en: 'Audited College' }, kind: 'university', country: 'CN', regionCode: '440106', uscc: newUscc() } });
    expect(res.statusCode).toBe(201);
    const lines = await linesFor('institution', res.json().id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      principal_kind: 'operator', principal_id: 'operator:operator', action: 'institution.create',
      institution_id: res.json().id, request_id: res.headers['x-request-id'],
    });
    expect(new Date(lines[0]!.occurred_at).toISOString()).toBe(now.toISOString());
  });

  it('for an API client created by the institution itself, with the scopes granted', async () => {
    const requestId = randomUUID();
    const res = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/clients`, headers: { ...bearer(inst.token), 'x-request-id': requestId }, payload: { name: 'reporting', scopes: ['records:read'] } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-request-id']).toBe(requestId);
    // An id that is not 1–200 visible ASCII characters is replaced, not stored in every audit line.
    for (const odd of ['a'.repeat(6000), 'two words']) {
      const r = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': odd } });
      expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const lines = await linesFor('api_client', res.json().clientId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      principal_kind: 'institution', principal_id: `institution:${inst.id}/client:${inst.clientId}`, action: 'client.create',
      institution_id: inst.id, request_id: requestId,
    });
    const detail = lines[0]!.detail;
    expect(typeof detail === 'string' ? JSON.parse(detail) : detail).toEqual({ scopes: ['records:read'] });
    expect(JSON.stringify(lines[0])).not.toContain(res.json().clientSecret);
  });

  it('for a learner account opened by an institution, once (a repeat registration writes no line)', async () => {
    const number = newResidentId();
    const payload = { identity: { type: 'cn-resident', number }, name: '审计' };
    const res = await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload });
    expect(res.statusCode).toBe(201);
    const again = await t.app.inject({ method: 'POST', url: '/learners', headers: bearer(inst.token), payload });
    expect(again.statusCode).toBe(200);
    const lines = await linesFor('learner', res.json().id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      principal_kind: 'institution', principal_id: `institution:${inst.id}/client:${inst.clientId}`, action: 'learner.register',
      institution_id: inst.id, learner_id: res.json().id, request_id: res.headers['x-request-id'],
    });
    expect(JSON.stringify(lines[0])).not.toContain(number);
  });
});
