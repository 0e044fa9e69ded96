import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearner } from '../helpers/factories.js';
import type { TestApp } from '../helpers/test-app.js';
import { achieve, item, post, publishRule, ruleItem, worldApp, type World } from './service-fixtures.js';

let t: TestApp;
let w: World;

beforeAll(async () => ({ t, w } = await worldApp()));
afterAll(async () => t.close());

const ask = (token: string, achievementIds: string[]) =>
  post(t.app, '/recognition/requests', token, { targetInstitutionId: w.target.id, achievementIds });

describe('prerequisites are held anywhere in the learner\'s record', () => {
  it('satisfies a prerequisite held elsewhere in the record, and misses it when the record lacks it', async () => {
    const pre = await item(t, w.source);
    const course = await item(t, w.source);
    const tgt = await item(t, w.target);
    const rule = await publishRule(t.app, w.target.token, { type: 'equivalency', definition: {
      sources: [ruleItem(w.source, course.code, '3')], targets: [ruleItem(w.target, tgt.code, '3')],
      conditions: { prerequisites: [{ itemId: `${w.source.id}:${pre.code}` }] },
    } });

    const holder = await createLearner(t.app, w.target.token);
    await achieve(t.app, w.source, holder.id, pre.id, { result: '80', completedOn: '2023-06-30' });
    const a = await achieve(t.app, w.source, holder.id, course.id, { result: '85', completedOn: '2024-06-30' });
    // The request names only the course; the prerequisite is elsewhere in the record.
    const ok = await ask(holder.token, [a]);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().items[0].evaluation).toMatchObject({ status: 'match', ruleId: rule.id });
    const preview = await post(t.app, '/recognition/preview', holder.token, { targetInstitutionId: w.target.id, achievementIds: [a] });
    expect(preview.json().outcomes[0]).toMatchObject({ status: 'miss', reason: 'already_recognised' });

    const lacking = await createLearner(t.app, w.target.token);
    const b = await achieve(t.app, w.source, lacking.id, course.id, { result: '85', completedOn: '2024-06-30' });
    const missed = await ask(lacking.token, [b]);
    expect(missed.json().items[0].evaluation).toMatchObject({ status: 'miss', reason: 'prerequisite_missing', ruleId: rule.id });
    const whatIf = await post(t.app, '/recognition/preview', lacking.token, { targetInstitutionId: w.target.id, achievementIds: [b] });
    expect(whatIf.json().outcomes[0]).toMatchObject({ status: 'miss', reason: 'prerequisite_missing' });
  });

  it('counts a target item already recognised at the target as held', async () => {
    const first = await item(t, w.source);
    const second = await item(t, w.source);
    const intro = await item(t, w.target);
    const advanced = await item(t, w.target);
    await publishRule(t.app, w.target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, first.code, '3')], targets: [ruleItem(w.target, intro.code, '3')] } });
    await publishRule(t.app, w.target.token, { type: 'equivalency', definition: {
      sources: [ruleItem(w.source, second.code, '3')], targets: [ruleItem(w.target, advanced.code, '3')],
      conditions: { prerequisites: [{ itemId: `${w.target.id}:${intro.code}` }] },
    } });
    const learner = await createLearner(t.app, w.target.token);
    const a1 = await achieve(t.app, w.source, learner.id, first.id, { result: '85' });
    const a2 = await achieve(t.app, w.source, learner.id, second.id, { result: '85' });
    const before = await post(t.app, '/recognition/preview', learner.token, { targetInstitutionId: w.target.id, achievementIds: [a2] });
    expect(before.json().outcomes[0]).toMatchObject({ status: 'miss', reason: 'prerequisite_missing' });
    expect((await ask(learner.token, [a1])).json().items[0].evaluation.status).toBe('match');
    const after = await ask(learner.token, [a2]);
    expect(after.json().items[0].evaluation).toMatchObject({ status: 'match', grants: [{ targetItemId: `${w.target.id}:${advanced.code}` }] });
  });
});
