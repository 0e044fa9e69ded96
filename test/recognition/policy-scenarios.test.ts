import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { achieve, get, item, post, publishRule, ruleItem, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;

beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());

const outcome = (body: any, id: string) => body.outcomes.find((o: any) => o.achievementId === id);

describe('recognition policy scenarios over HTTP', () => {
  it('exempts three courses worth 8 credits for a postal delivery-clerk certificate, automatically, and revokes them with the certificate', async () => {
    const cert = await item(t, w.source, { kind: 'certificate', credits: null, creditSystemId: null, gradingSchemeId: 'pass-fail', titleEn: 'Postal delivery clerk (邮政投递员)' });
    const courses = await Promise.all(['3', '3', '2'].map(() => item(t, w.target)));
    await publishRule(t.app, w.target.token, {
      type: 'equivalency', rationale: 'OUC credit bank: a postal delivery-clerk certificate exempts 3 courses worth 8 credits',
      definition: { sources: [ruleItem(w.source, cert.code, '0')], targets: courses.map((c, i) => ruleItem(w.target, c.code, ['3', '3', '2'][i]!)) },
    });
    const a = await achieve(t.app, w.source, w.learner.id, cert.id, { result: 'P', completedOn: '2024-03-01' });

    const preview = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: w.target.id });
    expect(preview.statusCode).toBe(200);
    expect(outcome(preview.json(), a)).toMatchObject({ status: 'match', credits: '8' });
    expect(preview.json().totals.total).toBe('8');

    const req = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [a] });
    expect(req.statusCode).toBe(201);
    const it0 = req.json().items[0];
    expect(it0.status).toBe('decided');
    expect(it0.decisions[0]).toMatchObject({ kind: 'automatic', outcome: 'approve', credits: '8.00', reviewer: 'engine' });
    expect(it0.credits.map((c: any) => c.credits).sort()).toEqual(['2.00', '3.00', '3.00']);

    const revoke = await post(t.app, `/achievements/${a}/revocations`, w.source.token, { reason: 'certificate withdrawn by the issuer' });
    expect(revoke.statusCode).toBe(201);
    const after = await get(t.app, `/recognition/requests/${req.json().id}`, w.learner.token);
    expect(after.json().items[0].credits.every((c: any) => c.status === 'revoked')).toBe(true);
    const learnerNotices = (await get(t.app, `/learners/${w.learner.id}/recognition/notices`, w.learner.token)).json().items;
    const instNotices = (await get(t.app, `/institutions/${w.target.id}/recognition/notices`, w.target.token)).json().items;
    expect(learnerNotices.filter((n: any) => n.kind === 'credit-revoked')).toHaveLength(3);
    expect(instNotices.filter((n: any) => n.kind === 'credit-revoked')).toHaveLength(3);
    const entries = await t.ctx.db.selectFrom('ledger_entries').select('event_type').where('learner_id', '=', w.learner.id).execute();
    expect(entries.filter((e) => e.event_type === 'recognition.credit-revoked')).toHaveLength(3);
  });

  it('applies a 5-year recency limit: an old course misses with the reason, a recent one matches', async () => {
    const src = await item(t, w.source);
    const tgt = await item(t, w.target);
    const rule = await publishRule(t.app, w.target.token, {
      type: 'equivalency', definition: { sources: [ruleItem(w.source, src.code, '4')], targets: [ruleItem(w.target, tgt.code, '4')], conditions: { recency: { years: 5 } } },
    });
    const base = { sourceInstitutionId: w.source.id, kind: 'course', credits: '4', creditSystemId: 'cn-university', result: '80', gradingSchemeId: 'percentage', catalogueItemId: src.id };
    const res = await post(t.app, '/recognition/preview', undefined, {
      targetInstitutionId: w.target.id, date: '2025-09-01',
      achievements: [{ ...base, id: 'old', completedOn: '2019-06-30' }, { ...base, id: 'new', completedOn: '2023-06-30' }],
    });
    expect(res.statusCode).toBe(200);
    expect(outcome(res.json(), 'old')).toMatchObject({ status: 'miss', reason: 'too_old', ruleId: rule.id });
    expect(outcome(res.json(), 'new')).toMatchObject({ status: 'match', ruleId: rule.id, ruleVersion: 1 });
  });

  it('caps recognition at one third of a programme, published as a caps rule', async () => {
    await publishRule(t.app, w.target.token, { type: 'caps', programmeId: 'bsc-cap', definition: { programmeTotalCredits: '120', programme: { fraction: '1/3' } } });
    await publishRule(t.app, w.target.token, { type: 'block', programmeId: 'bsc-cap', definition: { pattern: { kinds: ['qualification'] }, credits: '25', category: 'elective' } });
    await publishRule(t.app, w.target.token, { type: 'block', programmeId: 'bsc-cap', definition: { pattern: { kinds: ['mooc'] }, credits: '20', category: 'general' } });
    const a = (id: string, kind: string) => ({ id, kind, sourceInstitutionId: w.source.id, credits: '10', creditSystemId: 'cn-university', completedOn: '2024-01-10' });
    const res = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, programmeId: 'bsc-cap', achievements: [a('q', 'qualification'), a('m1', 'mooc'), a('m2', 'mooc')] });
    expect(res.statusCode).toBe(200);
    expect(res.json().totals.total).toBe('40');
    expect(outcome(res.json(), 'q')).toMatchObject({ status: 'miss', reason: 'cap_reached' });
    expect(res.json().capsRule).not.toBeNull();
  });

  it('maps a percentage result to ECTS grades before applying a minimum of C', async () => {
    const src = await item(t, w.source);
    const tgt = await item(t, w.target);
    await publishRule(t.app, w.target.token, {
      type: 'equivalency', definition: {
        sources: [ruleItem(w.source, src.code, '4')], targets: [ruleItem(w.target, tgt.code, '5')],
        conditions: { minResult: { schemeId: 'ects-grade', result: 'C', conversionTableId: 'example-percentage-to-ects' } },
      },
    });
    const base = { catalogueItemId: src.id, completedOn: '2024-06-30' };
    const res = await post(t.app, '/recognition/preview', undefined, { targetInstitutionId: w.target.id, achievements: [{ ...base, id: 'p82', result: '82' }, { ...base, id: 'p75', result: '75' }] });
    expect(outcome(res.json(), 'p82')).toMatchObject({ status: 'match', credits: '5' });
    expect(outcome(res.json(), 'p75')).toMatchObject({ status: 'miss', reason: 'grade_too_low' });
    expect(outcome(res.json(), 'p75').explanation).toContain('ects-grade');
  });

  it('says which achievements are unevaluated (Maybe) and who would evaluate them', async () => {
    const res = await post(t.app, '/recognition/preview', undefined, {
      targetInstitutionId: w.target.id, achievements: [{ id: 'x', kind: 'work-based', sourceInstitutionId: w.source.id, credits: '3', creditSystemId: 'cn-university', completedOn: '2024-01-01' }],
    });
    expect(res.json().unevaluated).toEqual(['x']);
    expect(outcome(res.json(), 'x')).toMatchObject({ status: 'maybe', reviewer: { institutionId: w.target.id } });
    expect(res.json().notice).toContain('not a decision');
  });
});
