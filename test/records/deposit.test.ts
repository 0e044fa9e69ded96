import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { eventBodyDigest } from '../../src/ledger/merkle/ledger-entry.js';
import { achievementEventBody } from '../../src/records/achievement-rows.js';
import type { TestInstitution, TestLearner } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { count, deposit, depositBody, insertItem, recordsWorld, sha } from './fixtures.js';

let t: TestApp;
let op: string;
let uni: TestInstitution;
let other: TestInstitution;
let learner: TestLearner;
let item: string;

beforeAll(async () => {
  ({ t, op, uni, other, learner, item } = await recordsWorld());
});
afterAll(async () => t.close());

const counts = async () => Promise.all([count(t.ctx.db, 'achievements'), count(t.ctx.db, 'achievement_versions'), count(t.ctx.db, 'ledger_entries')]);

describe('depositing an achievement', () => {
  it('records it with its first version and a ledger entry whose digest is rebuildable from the row', async () => {
    const res = await deposit(t.app, uni.token, learner.id, depositBody(item, { credits: '3.5' }));
    expect(res.statusCode).toBe(201);
    const a = res.json();
    expect(a).toMatchObject({ learnerId: learner.id, institutionId: uni.id, status: 'active', currentVersion: 1, source: 'catalogue' });
    expect(a.current).toMatchObject({ catalogueItemId: item, result: '85', credits: '3.5', creditSystemId: 'cn-university' });
    const row = await t.ctx.db.selectFrom('achievement_versions').selectAll().where('achievement_id', '=', a.id).executeTakeFirstOrThrow();
    const entry = await t.ctx.db.selectFrom('ledger_entries').selectAll().where('id', '=', Number(row.ledger_entry_id)).executeTakeFirstOrThrow();
    expect(entry.event_type).toBe('achievement.deposited');
    expect(entry.body_digest).toBe(eventBodyDigest(achievementEventBody(row)));
  });

  it('defaults the credits of a passed item to its value and of a failed one to zero', async () => {
    const pass = await deposit(t.app, uni.token, learner.id, depositBody(item, { result: '60' }));
    const fail = await deposit(t.app, uni.token, learner.id, depositBody(item, { result: '59.5' }));
    expect(pass.json().current.credits).toBe('4');
    expect(fail.json().current.credits).toBe('0');
  });

  it('returns the original for a retry with the same natural key, and 409 for different content', async () => {
    const body = depositBody(item);
    const first = await deposit(t.app, uni.token, learner.id, body);
    const before = await counts();
    const again = await deposit(t.app, uni.token, learner.id, { ...body, credits: '4.00' });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const changed = await deposit(t.app, uni.token, learner.id, { ...body, result: '90' });
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'natural_key_conflict', achievementId: first.json().id });
    expect(await counts()).toEqual(before);
  });

  it('replays the stored response for a repeated Idempotency-Key', async () => {
    const body = depositBody(item);
    const a = await deposit(t.app, uni.token, learner.id, body, { 'idempotency-key': `k-${body.externalId}` });
    const b = await deposit(t.app, uni.token, learner.id, body, { 'idempotency-key': `k-${body.externalId}` });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json().id).toBe(a.json().id);
  });

  it('keeps one achievement when identical deposits race', async () => {
    const body = depositBody(item);
    const before = await counts();
    const results = await Promise.all(Array.from({ length: 8 }, () => deposit(t.app, uni.token, learner.id, body)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    const after = await counts();
    expect(after).toEqual([before[0] + 1, before[1] + 1, before[2] + 1]);
  });

  it('holds non-catalogue learning with its provenance', async () => {
    const res = await deposit(t.app, other.token, learner.id, {
      externalId: 'cert-0001', completedOn: '2023-11-02', credits: '2', evidence: { url: 'https://certs.example/0001', sha256: sha('cert') },
      learning: {
        source: 'verified-certificate', title: { zh: '网络安全工程师（中级）' }, creditSystemId: 'cn-university', iscedCode: '0612',
        provenance: { issuer: 'Ministry certification centre (demo)', method: 'registry look-up', reference: 'NO-2023-0001', verifiedOn: '2023-11-10' },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ source: 'verified-certificate', current: { catalogueItemId: null, credits: '2', learning: { provenance: { method: 'registry look-up' } } } });
  });
});

describe('deposit rules (each rejection writes nothing)', () => {
  const cases: [string, () => Promise<{ token: string; body: Record<string, unknown>; learnerId?: string }>, number, string, string?][] = [
    ['another institution\'s item', async () => ({ token: other.token, body: depositBody(item) }), 403, 'other_institution_item', '/body/catalogueItemId'],
    ['a retired item', async () => ({ token: uni.token, body: depositBody(await insertItem(t.ctx.db, uni.id, { retiredAt: new Date('2023-01-01') })) }), 422, 'item_not_depositable', '/body/completedOn'],
    ['a date outside the item\'s effective window', async () => ({ token: uni.token, body: depositBody(await insertItem(t.ctx.db, uni.id, { effectiveFrom: '2025-01-01' }), { completedOn: '2024-12-31' }) }), 422, 'item_not_depositable'],
    ['a completion date in the future', async () => ({ token: uni.token, body: depositBody(item, { completedOn: '2999-01-01' }) }), 422, 'completion_in_future'],
    ['a result outside the grading scheme', async () => ({ token: uni.token, body: depositBody(item, { result: '101' }) }), 422, 'invalid_result', '/body/result'],
    ['a grade of another scheme', async () => ({ token: uni.token, body: depositBody(item, { result: 'A' }) }), 422, 'invalid_result'],
    ['more credits than the item carries', async () => ({ token: uni.token, body: depositBody(item, { credits: '4.5' }) }), 422, 'credits_exceed_item', '/body/credits'],
    ['negative credits', async () => ({ token: uni.token, body: depositBody(item, { credits: '-1' }) }), 422, 'negative_credits'],
    ['credits with three decimal places (refused, never rounded)', async () => ({ token: uni.token, body: depositBody(item, { credits: '1.255' }) }), 422, 'credits_precision', '/body/credits'],
    // Was a 500 (numeric field overflow): learning outside the catalogue had no upper bound.
    ...['123456789', '1000.01'].map((credits): (typeof cases)[number] => [`non-catalogue learning of ${credits} credits`, async () => ({ token: uni.token, body: {
      externalId: `rpl-${credits}`, completedOn: '2023-11-02', credits,
      learning: { source: 'rpl', title: { en: 'RPL' }, creditSystemId: 'cn-university', provenance: { issuer: 'x', method: 'y' } } } }), 422, 'credits_too_large', '/body/credits']),
    ['credits for a failing result', async () => ({ token: uni.token, body: depositBody(item, { result: '40', credits: '1' }) }), 422, 'credits_without_pass'],
    ['a malformed evidence digest', async () => ({ token: uni.token, body: depositBody(item, { evidence: { url: 'https://e.example/x', sha256: 'abc' } }) }), 400, 'validation_failed'],
    ['plain-http evidence', async () => ({ token: uni.token, body: depositBody(item, { evidence: { url: 'http://e.example/x', sha256: sha('x') } }) }), 400, 'validation_failed'],
    ['an unknown field', async () => ({ token: uni.token, body: { ...depositBody(item), grade: 'A' } }), 400, 'unknown_field'],
    ['both an item and non-catalogue learning', async () => ({ token: uni.token, body: depositBody(item, { learning: { source: 'rpl', title: { en: 'x' }, provenance: { issuer: 'x', method: 'y' } } }) }), 422, 'item_or_learning_required'],
    ['an unknown learner', async () => ({ token: uni.token, body: depositBody(item), learnerId: '00000000-0000-4000-8000-000000000000' }), 404, 'learner_not_found'],
    ['an operator who names no institution', async () => ({ token: op, body: depositBody(item) }), 422, 'institution_required'],
  ];
  it.each(cases)('rejects %s', async (_label, make, status, code, pointer) => {
    const { token, body, learnerId } = await make();
    const before = await counts();
    const res = await deposit(t.app, token, learnerId ?? learner.id, body);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
    if (pointer) expect(res.json().errors[0].pointer).toBe(pointer);
    expect(await counts()).toEqual(before);
  });

  it('lets an operator deposit on behalf of the institution that owns the item', async () => {
    const res = await deposit(t.app, op, learner.id, depositBody(item, { institutionId: uni.id }));
    expect(res.statusCode).toBe(201);
    expect(res.json().institutionId).toBe(uni.id);
  });
});

describe('the record is append-only', () => {
  it.each(['achievement_versions', 'achievements', 'achievement_keys'])('refuses UPDATE and DELETE on %s', async (table) => {
    await deposit(t.app, uni.token, learner.id, depositBody(item));
    await expect(sql`update ${sql.table(table)} set learner_id = learner_id`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from ${sql.table(table)}`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });
});
