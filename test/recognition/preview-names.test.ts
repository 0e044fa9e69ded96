import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { achieve, item, post, publishRule, ruleItem, world, type World } from './service-fixtures.js';

// What a learner reads in a preview: institutions, courses and target items by name, not by UUID.
let t: TestApp;
let w: World;
const names = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp();
  w = await world(t);
  for (const inst of [w.target, w.source]) {
    const res = await t.app.inject({ method: 'GET', url: `/institutions/${inst.id}` });
    names.set(inst.id, `${res.json().name.zh} ${res.json().name.en}`);
  }
  const src = await item(t, w.source, { code: 'DAT101', titleEn: 'Data Analysis' });
  const other = await item(t, w.source, { code: 'ART100', titleEn: 'Art Appreciation' });
  await item(t, w.target, { code: 'STA201' });
  await publishRule(t.app, w.target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, 'DAT101', '3')], targets: [ruleItem(w.target, 'STA201', '3')] } });
  await publishRule(t.app, w.target.token, { type: 'caps', definition: { perSourceInstitution: '20', programmeTotalCredits: '10', programme: { fraction: '1/3' } } });
  await achieve(t.app, w.source, w.learner.id, src.id, { result: '85' });
  await achieve(t.app, w.source, w.learner.id, other.id, { result: '85' });
});
afterAll(async () => t.close());

describe('names in a preview', () => {
  it('names the target reviewers, the source of a cap, and the course and target item of a match', async () => {
    const res = await post(t.app, '/recognition/preview', w.learner.token, { targetInstitutionId: w.target.id, explain: 'full' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const texts = body.outcomes.map((o: { explanation: string }) => o.explanation);
    expect(texts).toContain(`equivalency rule ${body.outcomes.find((o: any) => o.status === 'match').ruleId} v1: DAT101 Data Analysis → 3 specified (STA201); published equivalence review`);
    expect(texts).toContain(`no published rule covers this achievement; reviewers of ${names.get(w.target.id)} would evaluate it`);
    expect(body.explanation).toContain(`cap: at most 20 credits from ${names.get(w.source.id)} (0 used); 20 available`);
    expect(body.explanation.find((l: string) => l.startsWith('cap: programme cap'))).toBe('cap: programme cap 1/3 of 10 = 3.3333… (programme) (0 already recognised); 3.3333… available');
    // The structured fields keep the ids.
    expect(body.outcomes.find((o: any) => o.status === 'maybe').reviewer).toEqual({ institutionId: w.target.id });
    expect(JSON.stringify(body)).not.toContain(`from ${w.source.id}`);
  });

  it('names the source institution of a course at another institution that a rule requires as well', async () => {
    const a = await item(t, w.source, { code: 'MAT110' });
    await item(t, w.source, { code: 'MAT120' });
    await publishRule(t.app, w.target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, 'MAT110', '2'), ruleItem(w.source, 'MAT120', '2')], targets: [ruleItem(w.target, 'STA201', '4')] } });
    const res = await post(t.app, '/recognition/preview', undefined, {
      targetInstitutionId: w.target.id, achievements: [{ catalogueItemId: a.id, result: '85', completedOn: '2024-06-30' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().outcomes[0].explanation).toMatch(new RegExp(`needs MAT120 of ${names.get(w.source.id)} as well$`));
  });
});
