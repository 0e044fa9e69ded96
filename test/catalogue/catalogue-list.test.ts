import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listItems, type ListFilter } from '../../src/catalogue/catalogue-list.repository.js';
import type { ItemRow } from '../../src/catalogue/catalogue-rows.js';
import { normaliseSearch, queryTerms } from '../../src/catalogue/catalogue-search.js';
import { bearer, courseInput, createInstitution, operatorToken, type TestInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// The listing reads a window of rows in (code, id) order and falls back to the gram and ISCED
// indexes when that window leaves the page short. These tests shrink the window so both paths,
// and the hand-over between them, run on a small catalogue and are compared with a plain filter.

let t: TestApp;
let inst: TestInstitution;
const WORDS = ['会计', '管理', '数据', '物流'];
const items: { code: string; title: string; isced: string; version: number }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  inst = await createInstitution(t.app, await operatorToken(t.app));
  // 会计 is frequent at the start of the code order and rare after; 物流 only near the end.
  for (let i = 0; i < 60; i++) {
    const word = i < 20 ? (i % 2 === 0 ? '会计' : '管理') : i > 55 ? '物流' : i % 13 === 0 ? '会计' : WORDS[1 + (i % 2)]!;
    items.push({ code: `L${String(i).padStart(3, '0')}`, title: `${word}课程${i}`, isced: i % 7 === 0 ? '0411' : '0613', version: 1 });
  }
  const lines = items.map((it) => JSON.stringify(courseInput({ code: it.code, title: { zh: it.title }, iscedCode: it.isced })));
  // A newer version of a few 会计 items renamed away from 会计: only the latest version may match.
  for (const it of items.filter((_, i) => i % 8 === 0)) {
    lines.push(JSON.stringify(courseInput({ code: it.code, version: 2, title: { zh: `改名${it.code}` }, iscedCode: it.isced })));
    Object.assign(it, { title: `改名${it.code}`, version: 2 });
  }
  const res = await t.app.inject({ method: 'POST', url: `/institutions/${inst.id}/catalogue/batches`, headers: { ...bearer(inst.token), 'content-type': 'application/x-ndjson' }, payload: lines.join('\n') });
  expect(res.json().summary.rejected).toBe(0);
});
afterAll(async () => t.close());

async function allPages(f: Omit<ListFilter, 'after'>): Promise<string[]> {
  const seen: string[] = [];
  let after: [string, string] | undefined;
  for (;;) {
    const rows: ItemRow[] = await listItems(t.ctx.db, { ...f, after });
    const page = rows.slice(0, f.limit);
    seen.push(...page.map((r) => `${r.code}@${r.version}`));
    if (rows.length <= f.limit) return seen;
    after = [page.at(-1)!.code, page.at(-1)!.id];
  }
}

const base = { institution: undefined, terms: [], includeRetired: false, allVersions: false };

describe('catalogue listing: ordered probe and index fallback', () => {
  for (const q of ['会计', '物流', '课程', 'l05', '不存在']) {
    for (const field of [undefined, '04']) {
      it(`pages q=${q}${field ? ` field=${field}` : ''} without gaps or repeats for every window and page size`, async () => {
        const expected = items.filter((it) => normaliseSearch(`${it.code} ${it.title}`).includes(normaliseSearch(q)) && (!field || it.isced.startsWith(field)))
          .map((it) => `${it.code}@${it.version}`).sort();
        for (const probe of [1, 3, 10, 1000]) {
          for (const limit of [1, 4, 50]) {
            expect(await allPages({ ...base, terms: queryTerms(q), field, limit, probe })).toEqual(expected);
          }
        }
      });
    }
  }
});
