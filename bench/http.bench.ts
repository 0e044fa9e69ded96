import type { Benchmark } from './registry.js';
import { BENCH_OPERATOR_SECRET, fmt, load, startBenchServer, type BenchServer, type LoadResult } from './support.js';

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, any>>;
}

const operatorToken = async (server: BenchServer) =>
  (await post(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'operator', client_secret: BENCH_OPERATOR_SECRET })).access_token as string;

/** `count` learners with distinct passports, registered 20 at a time; their read paths. */
async function registerLearners(server: BenchServer, op: string, count: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, (_, j) => i + j);
    const made = await Promise.all(batch.map((n) => post(`${server.url}/learners`,
      { identity: { type: 'passport', number: `E${String(10_000_000 + n)}`, country: 'GB' }, name: `Bench Learner ${n}` }, op)));
    paths.push(...made.map((l) => `/learners/${l.id}`));
  }
  return paths;
}

/**
 * GET /health against an authenticated read (GET /learners/{id}, cycling over many learners so one
 * hot row does not flatter it) on the same database, same run: with the learner cache (default
 * size) and on a second server with LEARNER_CACHE_SIZE=0, each against the first server's /health.
 */
export const httpBench: Benchmark = {
  name: 'http: health vs authenticated read',
  async run(ctx) {
    const seconds = ctx.smoke ? 1 : 10;
    const learners = ctx.smoke ? 20 : 1000;
    const lines = ['| database | route | req/s | p50 ms | p99 ms | errors |', '|---|---|---|---|---|---|'];
    const ratios: string[] = [];
    const row = (label: string, route: string, r: LoadResult) =>
      lines.push(`| ${label} | ${route} | ${fmt(r.rps, 0)} | ${r.p50} | ${r.p99} | ${r.errors + r.non2xx} |`);
    for (const pgUrl of [undefined, ...(ctx.postgresUrl ? [ctx.postgresUrl] : [])]) {
      let health: LoadResult;
      const server = await startBenchServer(pgUrl);
      try {
        const op = await operatorToken(server);
        const paths = await registerLearners(server, op, learners);
        await load(`${server.url}/health`, { seconds: 1, connections: 10 }); // warm-up
        health = await load(`${server.url}/health`, { seconds, connections: 20 });
        const cache = server.ctx.learners.cache;
        const read = await load(server.url, { seconds, connections: 20, headers: { authorization: `Bearer ${op}` }, paths });
        row(server.label, 'GET /health', health);
        row(server.label, `GET /learners/{id} (bearer, ${learners} learners, cache)`, read);
        ratios.push(`${server.label}: cached read / health = ${fmt(read.rps / health.rps, 2)} (cache ${cache?.isLive ? 'live' : 'NOT live'}, ${cache?.hits ?? 0} hits, ${cache?.loads ?? 0} database reads, ${cache?.shared ?? 0} reads joined a pending one)`);
      } finally {
        await server.close();
      }
      const uncached = await startBenchServer(pgUrl, { learnerCache: { size: 0, ttlSeconds: 60 } });
      try {
        const op = await operatorToken(uncached);
        const paths = await registerLearners(uncached, op, learners);
        await load(`${uncached.url}/health`, { seconds: 1, connections: 10 }); // warm-up
        const read = await load(uncached.url, { seconds, connections: 20, headers: { authorization: `Bearer ${op}` }, paths });
        row(uncached.label, `GET /learners/{id} (bearer, ${learners} learners, LEARNER_CACHE_SIZE=0)`, read);
        ratios.push(`${uncached.label}: uncached read / health = ${fmt(read.rps / health.rps, 2)}`);
      } finally {
        await uncached.close();
      }
    }
    return [...lines, '', ...ratios.map((r) => `- ${r}`)];
  },
};
