import { sql } from 'kysely';
import type { Benchmark } from './registry.js';
import { BENCH_OPERATOR_SECRET, fmt, median, percentile, startBenchServer, type BenchServer } from './support.js';

// Catalogue at scale: bulk NDJSON publish (items/s) and GET /catalogue latency (p50/p99) with
// 100,000 items from 1,000 institutions (smoke: 500 from 5), on PGlite and PostgreSQL.

const SUBJECTS = ['会计', '财务', '管理', '数据', '程序', '物流', '快递', '英语', '写作', '智能', '机械', '电子', '护理', '教育', '心理', '法律', '市场', '营销', '旅游', '烹饪', '汽车', '建筑', '金融', '统计'];
const SUFFIXES = ['基础', '导论', '实务', '原理', '应用', '技术', '案例'];
const EN = ['Accounting', 'Finance', 'Management', 'Data', 'Programming', 'Logistics', 'Delivery', 'English', 'Writing', 'Intelligence', 'Machinery', 'Electronics', 'Nursing', 'Education', 'Psychology', 'Law', 'Markets', 'Marketing', 'Tourism', 'Cookery', 'Automotive', 'Building', 'Banking', 'Statistics'];
const ISCED = ['0411', '0412', '0413', '0613', '0612', '1041', '0231', '0715', '0714', '0913', '0111', '0313', '0421', '1015', '1013', '0716', '0732', '0542'];

export function itemLine(i: number): string {
  const a = i % SUBJECTS.length;
  const b = (i * 7 + 3) % SUBJECTS.length;
  const s = SUFFIXES[i % SUFFIXES.length]!;
  const level = 2 + (i % 5);
  return JSON.stringify({
    code: `C${String(i).padStart(6, '0')}`, kind: i % 20 === 0 ? 'mooc' : 'course', ...(i % 20 === 0 ? { platform: '南粤慕课' } : {}),
    title: { zh: `${SUBJECTS[a]}${SUBJECTS[b]}${s}`, en: `${EN[a]} and ${EN[b]} ${i}` },
    level: { frameworkId: 'gd-ltlqf', frameworkVersion: '2017', level }, creditSystemId: 'cn-university',
    credits: String(1 + (i % 4)), notionalHours: String((1 + (i % 4)) * 32), iscedCode: ISCED[i % ISCED.length],
    gradingSchemeId: 'percentage', language: 'zh-CN', mode: 'blended', effectiveFrom: '2024-09-01',
  });
}

async function json(url: string, init: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

async function publish(server: BenchServer, token: string, institutionId: string, from: number, count: number): Promise<number> {
  const body = Array.from({ length: count }, (_, k) => itemLine(from + k)).join('\n');
  const r = await json(`${server.url}/institutions/${institutionId}/catalogue/batches`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });
  if (r.summary.accepted !== count) throw new Error(`batch accepted ${r.summary.accepted}/${count}: ${JSON.stringify(r.results.find((x: any) => x.status === 'rejected'))}`);
  return count;
}

async function latency(url: string, n: number): Promise<{ p50: number; p99: number; hits: number }> {
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await json(url, {});
    times.push(performance.now() - t0);
    hits = r.items.length;
  }
  return { p50: median(times), p99: percentile(times, 99), hits };
}

async function runOn(pgUrl: string | undefined, smoke: boolean, lines: string[]): Promise<void> {
  const institutions = smoke ? 5 : 1000;
  const perInstitution = 100;
  const firstBatch = smoke ? 100 : 8000; // the Guangdong credit bank's whole course catalogue in one batch
  const server = await startBenchServer(pgUrl);
  try {
    const token = (await json(`${server.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'operator', client_secret: BENCH_OPERATOR_SECRET }) })).access_token as string;
    const actor = { principal: { kind: 'operator' as const, clientId: 'bench', scopes: ['*'] }, requestId: 'bench' };
    const ids: string[] = [];
    for (let i = 0; i < institutions; i++) {
      ids.push((await server.ctx.institutions.create({ name: { en: `Bench College ${i}`, zh: `基准学院${i}` }, kind: 'university', country: 'HK', slug: `bench-${i}` }, actor)).institution.id);
    }
    let t0 = performance.now();
    await publish(server, token, ids[0]!, 0, firstBatch);
    const oneBatch = firstBatch / ((performance.now() - t0) / 1000);
    let total = firstBatch;
    t0 = performance.now();
    let rest = 0;
    for (let i = 1; i < institutions; i++) rest += await publish(server, token, ids[i]!, total + rest, perInstitution);
    const restRate = rest / ((performance.now() - t0) / 1000);
    total += rest;
    lines.push(`| ${server.label} | publish ${firstBatch} items, one NDJSON batch | ${fmt(oneBatch, 0)} items/s | | | |`);
    lines.push(`| ${server.label} | publish ${rest} items, ${institutions - 1} batches of ${perInstitution} | ${fmt(restRate, 0)} items/s | | | |`);
    const n = smoke ? 5 : 200;
    const queries: [string, string][] = [
      ['q=会计 (2 Chinese chars)', `q=${encodeURIComponent('会计')}`],
      ['q=会计实务 (4 Chinese chars)', `q=${encodeURIComponent('会计实务')}`],
      ['q=marketing (English word)', 'q=marketing'],
      ['q=C00012 (code prefix)', 'q=C00012'],
      ['institution=…', `institution=${ids[Math.floor(institutions / 2)]}`],
      ['framework=gd-ltlqf&level=4', 'framework=gd-ltlqf&level=4'],
      ['field=04 (ISCED prefix)', 'field=04'],
      ['kind=mooc', 'kind=mooc'],
      ['q=会计 in one institution', `q=${encodeURIComponent('会计')}&institution=${ids[Math.floor(institutions / 2)]}`],
      ['q=不存在 (no match)', `q=${encodeURIComponent('不存在')}`],
      ['no filter, first page', ''],
    ];
    for (const [label, qs] of queries) {
      const r = await latency(`${server.url}/catalogue?limit=50&${qs}`, n);
      lines.push(`| ${server.label} | GET /catalogue ${label} | | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.hits} |`);
    }
    // The same 2-character search as plain SQL: LIKE in (code, id) order, no gram index, no HTTP.
    const scan: number[] = [];
    for (let i = 0; i < Math.min(n, 30); i++) {
      const s0 = performance.now();
      await sql`select id from catalogue_items where search_text like ${'%会计%'} order by code, id limit 51`.execute(server.ctx.db);
      scan.push(performance.now() - s0);
    }
    lines.push(`| ${server.label} | SQL only: LIKE '%会计%' order by code, id limit 51 (${total} rows) | | ${fmt(median(scan), 2)} | ${fmt(percentile(scan, 99), 2)} | |`);
  } finally {
    await server.close();
  }
}

export const catalogueBench: Benchmark = {
  name: 'catalogue',
  async run(ctx) {
    const lines = ['| database | operation | throughput | p50 ms | p99 ms | rows on page |', '|---|---|---|---|---|---|'];
    for (const pgUrl of [undefined, ...(ctx.postgresUrl ? [ctx.postgresUrl] : [])]) await runOn(pgUrl, ctx.smoke, lines);
    return lines;
  },
};
