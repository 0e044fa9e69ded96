import type { Benchmark } from './registry.js';
import { BENCH_OPERATOR_SECRET, fmt, load, startBenchServer } from './support.js';

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, any>>;
}

/** GET /health against an authenticated read (GET /learners/{id}) on the same server, same run. */
export const httpBench: Benchmark = {
  name: 'http: health vs authenticated read',
  async run(ctx) {
    const seconds = ctx.smoke ? 1 : 10;
    const lines = ['| database | route | req/s | p50 ms | p99 ms | errors |', '|---|---|---|---|---|---|'];
    const ratios: string[] = [];
    for (const pgUrl of [undefined, ...(ctx.postgresUrl ? [ctx.postgresUrl] : [])]) {
      const server = await startBenchServer(pgUrl);
      try {
        const op = (await post(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'operator', client_secret: BENCH_OPERATOR_SECRET })).access_token as string;
        const learner = await post(`${server.url}/learners`, { identity: { type: 'passport', number: 'E12345678', country: 'GB' }, name: 'Bench Learner' }, op);
        await load(`${server.url}/health`, { seconds: 1, connections: 10 }); // warm-up
        const health = await load(`${server.url}/health`, { seconds, connections: 20 });
        const read = await load(`${server.url}/learners/${learner.id}`, { seconds, connections: 20, headers: { authorization: `Bearer ${op}` } });
        lines.push(`| ${server.label} | GET /health | ${fmt(health.rps, 0)} | ${health.p50} | ${health.p99} | ${health.errors + health.non2xx} |`);
        lines.push(`| ${server.label} | GET /learners/{id} (bearer) | ${fmt(read.rps, 0)} | ${read.p50} | ${read.p99} | ${read.errors + read.non2xx} |`);
        ratios.push(`${server.label}: authenticated read / health = ${fmt(read.rps / health.rps, 2)}`);
      } finally {
        await server.close();
      }
    }
    return [...lines, '', ...ratios.map((r) => `- ${r}`)];
  },
};
