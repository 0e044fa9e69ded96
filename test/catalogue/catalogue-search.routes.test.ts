import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstitution, operatorToken, publishItem, type TestInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let a: TestInstitution;
let b: TestInstitution;
const get = async (qs: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/catalogue?${qs}` });
  expect(res.statusCode).toBe(200);
  return res.json() as { items: Record<string, any>[]; nextCursor: string | null };
};
const codes = (p: { items: Record<string, any>[] }) => p.items.map((i) => String(i.code)).sort();

beforeAll(async () => {
  t = await createTestApp();
  const op = await operatorToken(t.app);
  a = await createInstitution(t.app, op);
  b = await createInstitution(t.app, op);
  await publishItem(t.app, a, { code: 'ACC101', title: { zh: '基础会计学', en: 'Principles of Accounting' }, iscedCode: '0411' });
  await publishItem(t.app, a, { code: 'ACC201', title: { zh: '管理会计', en: 'Management Accounting' }, iscedCode: '0411' });
  await publishItem(t.app, a, { code: 'PY100', title: { zh: 'Python程序设计', en: 'Programming in Python' }, iscedCode: '0613' });
  await publishItem(t.app, b, { code: 'POST1', kind: 'certificate', credits: undefined, notionalHours: undefined, creditSystemId: undefined, title: { zh: '快递员', en: 'Postal delivery clerk' }, iscedCode: '1041', level: { frameworkId: 'gd-ltlqf', frameworkVersion: '2017', level: 2 } });
  await publishItem(t.app, b, { code: 'JY1', title: { zh: '𠮷祥文化' }, iscedCode: '0222', level: { frameworkId: 'hkqf', frameworkVersion: '2018', level: 3 }, creditSystemId: 'hkqf', credits: '10', notionalHours: '100' });
});
afterAll(async () => t.close());

describe('GET /catalogue', () => {
  it('finds Chinese titles by a two-character substring', async () => {
    expect(codes(await get(`q=${encodeURIComponent('会计')}`))).toEqual(['ACC101', 'ACC201']);
    expect(codes(await get(`q=${encodeURIComponent('快递')}`))).toEqual(['POST1']);
  });

  it('finds by one character, a supplementary-plane character, English words and codes, case-insensitively', async () => {
    expect(codes(await get(`q=${encodeURIComponent('管')}`))).toEqual(['ACC201']);
    expect(codes(await get(`q=${encodeURIComponent('𠮷')}`))).toEqual(['JY1']);
    expect(codes(await get('q=accounting'))).toEqual(['ACC101', 'ACC201']);
    expect(codes(await get('q=acc2'))).toEqual(['ACC201']);
    expect(codes(await get(`q=${encodeURIComponent('ＰＹＴＨＯＮ')}`))).toEqual(['PY100']); // full-width folds to ASCII
    expect(codes(await get(`q=${encodeURIComponent('会计 管理')}`))).toEqual(['ACC201']);
    expect(codes(await get('q=%25'))).toEqual([]); // a LIKE wildcard is a literal
  });

  it('filters by institution, kind, framework level, field prefix and credit system', async () => {
    expect(codes(await get(`institution=${b.id}`))).toEqual(['JY1', 'POST1']);
    expect(codes(await get('kind=certificate'))).toEqual(['POST1']);
    expect(codes(await get('framework=hkqf&level=3'))).toEqual(['JY1']);
    expect(codes(await get('field=04'))).toEqual(['ACC101', 'ACC201']);
    expect(codes(await get('field=061'))).toEqual(['PY100']);
    expect(codes(await get('creditSystem=hkqf'))).toEqual(['JY1']);
  });

  it('pages with keyset cursors without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.code));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['ACC101', 'ACC201', 'JY1', 'POST1', 'PY100']);
    const bad = await t.app.inject({ method: 'GET', url: '/catalogue?cursor=garbage' });
    expect(bad.statusCode).toBe(400);
  });

  it('GET /catalogue/{id} is 404 for an unknown id', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/catalogue/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  });
});
