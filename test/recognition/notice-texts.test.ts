import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { achieve, get, item, post, publishRule, ruleItem, worldApp, type World } from './service-fixtures.js';

// A notice is read on its own (a phone notification, an e-mail): it says which learning and which
// institution it is about, by name, not by request or decision id.
let t: TestApp;
let w: World;
let target: string;

beforeAll(async () => {
  ({ t, w } = await worldApp());
  const res = await get(t.app, `/institutions/${w.target.id}`);
  target = `${res.json().name.zh} ${res.json().name.en}`;
});
afterAll(async () => t.close());

const noticesOf = async (kind: string): Promise<string[]> =>
  (await get(t.app, `/learners/${w.learner.id}/recognition/notices?limit=100`, w.learner.token)).json().items
    .filter((n: { kind: string }) => n.kind === kind).map((n: { message: string }) => n.message);

async function queued(code: string, title: string) {
  const course = await item(t, w.source, { code, titleEn: title });
  const a = await achieve(t.app, w.source, w.learner.id, course.id, { result: '88', completedOn: '2024-01-15' });
  const res = await post(t.app, '/recognition/requests', w.learner.token, { targetInstitutionId: w.target.id, achievementIds: [a] });
  expect(res.statusCode).toBe(201);
  return { course, a, base: `/recognition/requests/${res.json().id}/items/${res.json().items[0].id}` };
}

describe('recognition notices', () => {
  it('name the course and the target in a decision, an appeal and its decision', async () => {
    const { base } = await queued('DAT101', 'Data Analysis');
    await post(t.app, `${base}/decision`, w.target.token, { outcome: 'reject', reason: 'no matching course', reviewer: 'alice' });
    await post(t.app, `${base}/appeal`, w.learner.token, { reason: 'the syllabus matches', evidence: [{ url: 'https://evidence.example/s.pdf' }] });
    const decided = await post(t.app, `${base}/appeal/decision`, w.target.token, { outcome: 'approve', credits: '2', category: 'elective', reason: 'evidence convinces', reviewer: 'bob' });
    expect(decided.statusCode).toBe(200);
    expect(await noticesOf('decision')).toContain(`Your request for DAT101 Data Analysis at ${target}: reject (0 credits): no matching course`);
    expect(await noticesOf('appeal')).toContain(`Appeal filed for DAT101 Data Analysis at ${target}: the syllabus matches`);
    expect(await noticesOf('appeal-decision')).toContain(`Appeal for DAT101 Data Analysis at ${target} upheld: 2 more credits: evidence convinces`);
  });

  it('name the courses a re-evaluation credits, and the source whose revocation revokes credit', async () => {
    const { course, a } = await queued('STA110', 'Statistics I');
    const tgt = await item(t, w.target);
    const rule = await publishRule(t.app, w.target.token, { type: 'equivalency', definition: { sources: [ruleItem(w.source, course.code, '3')], targets: [ruleItem(w.target, tgt.code, '3')] } });
    expect((await post(t.app, `/rules/${rule.id}/re-evaluate`, w.target.token, {})).json().learners).toBe(1);
    expect(await noticesOf('re-evaluation')).toContain(`Rule ${rule.id} was published or revised; 1 of your items at ${target} was re-evaluated `
      + 'and now earns (more) credit: STA110 Statistics I. Earlier decisions remain on record.');
    expect((await post(t.app, `/achievements/${a}/revocations`, w.source.token, { reason: 'result annulled' })).statusCode).toBe(201);
    const revoked = await noticesOf('credit-revoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatch(new RegExp(`^3(\\.00)? specified credits recognised at ${target} on \\d{4}-\\d{2}-\\d{2} are revoked because their source STA110 Statistics I was revoked: result annulled$`));
  });
});

describe('notice pages', () => {
  it('pages newest first with next/after, every notice once, for the learner and the institution', async () => {
    for (const code of ['PG1', 'PG2', 'PG3']) {
      const { base } = await queued(code, `Paged ${code}`);
      await post(t.app, `${base}/decision`, w.target.token, { outcome: 'reject', reason: 'paging' });
    }
    for (const url of [`/learners/${w.learner.id}/recognition/notices`, `/institutions/${w.target.id}/recognition/notices`]) {
      const token = url.startsWith('/learners') ? w.learner.token : w.target.token;
      const all = (await get(t.app, `${url}?limit=500`, token)).json();
      expect(all.next).toBeNull();
      expect(all.items.length).toBeGreaterThanOrEqual(3);
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page: { items: { id: string }[]; next: string | null } = (await get(t.app, `${url}?limit=2${after ? `&after=${after}` : ''}`, token)).json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((n) => n.id));
        after = page.next;
      } while (after !== null);
      expect(seen).toEqual(all.items.map((n: { id: string }) => n.id));
      const times = all.items.map((n: { createdAt: string }) => n.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
    }
    const bad = await get(t.app, `/learners/${w.learner.id}/recognition/notices?after=00000000-0000-4000-8000-000000000000`, w.learner.token);
    expect([bad.statusCode, bad.json().code, bad.json().errors[0].pointer]).toEqual([400, 'invalid_cursor', '/query/after']);
  });
});
