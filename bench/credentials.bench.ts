import { availableParallelism } from 'node:os';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { controllerDocument, keyFromSeed } from '../src/credentials/core/keys.js';
import { createDocumentLoader } from '../src/credentials/core/document-loader.js';
import type { ProofSuiteName } from '../src/credentials/core/proof-result.js';
import { signCredential, verifyCredentialProof } from '../src/credentials/core/suites.js';
import { Piscina } from 'piscina';
import type { Benchmark } from './registry.js';
import type { LibraryTask } from './credentials-library-worker.js';
import { obInput } from './credentials-input.js';
import { BENCH_OPERATOR_SECRET, fmt, median, startBenchServer } from './support.js';

const execFileAsync = promisify(execFile);
const CLIENT = fileURLToPath(new URL('./credentials-client.ts', import.meta.url));
const LIBRARY_WORKER = fileURLToPath(new URL('./credentials-library-worker.ts', import.meta.url));

/** Requests per second of one load run, from the client in its own process (see credentials-client.ts). */
async function clientRate(job: Record<string, unknown>): Promise<number> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(job)], { maxBuffer: 16 * 1024 * 1024 });
  return (JSON.parse(stdout) as { rate: number }).rate;
}

const SUITES: { name: ProofSuiteName; options: Record<string, string> }[] = [
  { name: 'eddsa-rdfc-2022', options: {} },
  { name: 'eddsa-jcs-2022', options: { cryptosuite: 'eddsa-jcs-2022' } },
  { name: 'vc+jwt', options: { proofFormat: 'vc+jwt' } },
];

async function rate(n: number, fn: (i: number) => Promise<unknown>, concurrency = 1): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) await fn(next++); }));
  return n / ((performance.now() - t0) / 1000);
}

async function libraryRates(suite: ProofSuiteName, n: number, runs: number) {
  const key = await keyFromSeed(new Uint8Array(32).fill(5), 'did:web:bench.test', 'key-1');
  const documentLoader = createDocumentLoader({ documents: { 'did:web:bench.test': controllerDocument('did:web:bench.test', [key]) } });
  const signed = await signCredential(obInput('did:web:bench.test', 0), { suite, key, documentLoader });
  const sign: number[] = []; const verify: number[] = [];
  for (let r = 0; r < runs; r++) {
    sign.push(await rate(n, (i) => signCredential(obInput('did:web:bench.test', i), { suite, key, documentLoader })));
    verify.push(await rate(n, () => verifyCredentialProof(signed, { documentLoader })));
  }
  return { sign: median(sign), verify: median(verify) };
}

/**
 * The library in `threads` worker threads at once (piscina, one task per thread, all started
 * together after a warm-up): what this machine gives that many threads of signing or verifying
 * with nothing else running, the ceiling for any service here whatever its overhead. Each phase is
 * timed from the common start to the last thread's end.
 */
async function parallelLibraryRates(suite: ProofSuiteName, n: number, threads: number, runs: number, warm: number) {
  const pool = new Piscina({ filename: LIBRARY_WORKER, minThreads: threads, maxThreads: threads, execArgv: ['--import', 'tsx'] });
  const round = async (op: 'sign' | 'verify', size: number) => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: threads }, () => pool.run({ suite, op, n: size } satisfies LibraryTask)));
    return (size * threads) / ((performance.now() - t0) / 1000);
  };
  try {
    await round('sign', warm); await round('verify', warm);
    const sign: number[] = []; const verify: number[] = [];
    for (let r = 0; r < runs; r++) { sign.push(await round('sign', n)); verify.push(await round('verify', n)); }
    return { sign: median(sign), verify: median(verify) };
  } finally {
    await pool.destroy();
  }
}

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const json = await res.json() as Record<string, any>;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

interface ServiceRates { issue: number; verify: number; batchIssue: number; presentationVerify: number }

/** Service rates for every suite on one server (PGlite or PostgreSQL). */
async function serviceRates(pgUrl: string | undefined, runs: number, sizes: (suite: ProofSuiteName) => number, per: (suite: ProofSuiteName) => number) {
  const server = await startBenchServer(pgUrl);
  const out = new Map<ProofSuiteName, ServiceRates>();
  try {
    const op = (await post(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'operator', client_secret: BENCH_OPERATOR_SECRET })).access_token as string;
    const inst = await post(`${server.url}/institutions`, { name: { en: 'Bench University' }, kind: 'university', country: 'HK' }, op);
    const client = await post(`${server.url}/institutions/${inst.id}/clients`, { name: 'bench' }, op);
    const token = (await post(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret })).access_token as string;
    let serial = 0;
    for (const s of SUITES) {
      const n = sizes(s.name);
      const { id: _id, ...first } = obInput(inst.did, ++serial);
      const sample = (await post(`${server.url}/credentials/issue`, { credential: first, options: s.options }, token)).verifiableCredential;
      const base = { url: server.url, concurrency: 16 };
      await clientRate({ ...base, kind: 'verify', n: Math.min(n, 32), credential: sample }); // warm the pool
      const issue: number[] = []; const verify: number[] = []; const batchIssue: number[] = []; const presentationVerify: number[] = [];
      // Batches: twice as many credentials as a single-request run, `per` to a request, two requests
      // at a time (one being stored while the other is signed).
      const batch = { ...base, concurrency: 2, per: per(s.name), n: Math.max(2, Math.ceil((2 * n) / per(s.name))) };
      for (let r = 0; r < runs; r++) {
        issue.push(await clientRate({ ...base, kind: 'issue', n, token, issuerDid: inst.did, firstSerial: serial + 1, options: s.options }));
        serial += n;
        verify.push(await clientRate({ ...base, kind: 'verify', n, credential: sample }));
        batchIssue.push(await clientRate({ ...batch, kind: 'batch', token, institutionId: inst.id, issuerDid: inst.did, firstSerial: serial + 1, options: s.options }));
        serial += batch.n * batch.per;
        presentationVerify.push(await clientRate({ ...batch, kind: 'presentation', credential: sample }));
      }
      out.set(s.name, { issue: median(issue), verify: median(verify), batchIssue: median(batchIssue), presentationVerify: median(presentationVerify) });
    }
  } finally {
    await server.close();
    await server.ctx.close().catch(() => undefined);
  }
  return out;
}

/**
 * Issue and verify throughput of an OB 3.0 credential per proof suite: the library alone in one
 * thread against the service over HTTP (worker pool) in the same run, on PGlite and, when a server
 * is given, on PostgreSQL. The HTTP clients run in their own process.
 * Target: service ≥ 0.8 × library single-thread × cores.
 */
export const credentialsBench: Benchmark = {
  name: 'credentials: issue/verify, library vs service',
  async run(ctx) {
    const runs = ctx.smoke ? 1 : 3;
    const cores = availableParallelism();
    const sizes = (suite: ProofSuiteName) => (ctx.smoke ? 5 : suite === 'eddsa-rdfc-2022' ? 60 : 240);
    const library = new Map<ProofSuiteName, { sign: number; verify: number }>();
    const parallel = new Map<ProofSuiteName, { sign: number; verify: number }>();
    for (const s of SUITES) {
      library.set(s.name, await libraryRates(s.name, sizes(s.name), runs));
      parallel.set(s.name, await parallelLibraryRates(s.name, sizes(s.name), cores, runs, ctx.smoke ? 2 : 30));
    }
    const per = (suite: ProofSuiteName) => (ctx.smoke ? 3 : suite === 'eddsa-rdfc-2022' ? 30 : 120);
    const services: [string, Map<ProofSuiteName, ServiceRates>][] = [['PGlite', await serviceRates(undefined, runs, sizes, per)]];
    if (ctx.postgresUrl) services.push(['PostgreSQL', await serviceRates(ctx.postgresUrl, runs, sizes, per)]);
    const lines = [`${cores} cores; service: HTTP, clients in a separate process: POST /credentials/issue and /credentials/verify with 16 concurrent clients, `
      + 'POST /institutions/{id}/credentials/batches and POST /presentations/verify (unsigned presentation) with 2 concurrent requests of the size shown; '
      + `credentials per second, median of ${runs} runs`, '',
      `| suite | op | library 1 thread /s | library in ${cores} threads /s | ratio | ${services.map(([db]) => `service on ${db} /s | ratio`).join(' | ')} |`,
      `|---|---|---|---|---|${services.map(() => '---|---|').join('')}`];
    for (const s of SUITES) {
      const lib = library.get(s.name)!; const par = parallel.get(s.name)!;
      const ops: [string, keyof ServiceRates, 'sign' | 'verify'][] = [
        ['issue', 'issue', 'sign'], [`issue, batches of ${per(s.name)}`, 'batchIssue', 'sign'],
        ['verify', 'verify', 'verify'], [`verify, presentations of ${per(s.name)}`, 'presentationVerify', 'verify']];
      for (const [label, key, libOp] of ops) {
        const libRate = lib[libOp]; const parRate = par[libOp];
        const cells = services.map(([, m]) => { const v = m.get(s.name)![key]; return `${fmt(v, 0)} | ${fmt(v / (libRate * cores), 2)}`; });
        lines.push(`| ${s.name} | ${label} | ${fmt(libRate, 0)} | ${fmt(parRate, 0)} | ${fmt(parRate / (libRate * cores), 2)} | ${cells.join(' | ')} |`);
      }
    }
    return [...lines, '', '- ratio = rate / (library single-thread rate × cores); target for the service ≥ 0.8',
      `- library in ${cores} threads: the same library loop in ${cores} worker threads at once, nothing else running: the most any service can reach on this machine`];
  },
};
