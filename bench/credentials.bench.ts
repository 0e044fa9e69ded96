import { availableParallelism } from 'node:os';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { controllerDocument, keyFromSeed } from '../src/credentials/core/keys.js';
import { createDocumentLoader } from '../src/credentials/core/document-loader.js';
import type { ProofSuiteName } from '../src/credentials/core/proof-result.js';
import { signCredential, verifyCredentialProof } from '../src/credentials/core/suites.js';
import { Piscina } from 'piscina';
import type { Benchmark } from './registry.js';
import type { LibraryTask, LibraryTaskResult } from './credentials-library-worker.js';
import { obInput } from './credentials-input.js';
import { BENCH_OPERATOR_SECRET, cpuSecondsOf, fmt, median, startBenchServer } from './support.js';

const execFileAsync = promisify(execFile);
const CLIENT = fileURLToPath(new URL('./credentials-client.ts', import.meta.url));
const LIBRARY_WORKER = fileURLToPath(new URL('./credentials-library-worker.ts', import.meta.url));
const LIBRARY_PROCESS = fileURLToPath(new URL('./credentials-library-process.ts', import.meta.url));

/** One service load run: credentials per second, and the CPU it cost per credential. */
interface ServiceRun {
  rate: number;
  /** CPU µs per credential of the server process (every thread; PGlite runs inside it) plus PostgreSQL's processes. */
  cpu: number;
  /** µs per credential the server's main thread was busy (event-loop utilisation). */
  main: number;
  /** Of `cpu`, µs per credential spent by PostgreSQL's processes (undefined on PGlite, which runs inside the server). */
  db?: number;
}

/**
 * One load run, from the client in its own process (see credentials-client.ts). The server runs in
 * this process, so this process's CPU over the run is the server's (the client is not in it); with
 * PostgreSQL, the database's processes on this machine are added. The client's start-up falls in
 * the span, but an idle server spends no CPU on it.
 */
async function clientRun(job: Record<string, unknown> & { n: number; per?: number }, postgres: boolean): Promise<ServiceRun> {
  const cpu0 = process.cpuUsage(); const pg0 = postgres ? cpuSecondsOf('postgres') : 0;
  const elu0 = performance.eventLoopUtilization();
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(job)], { maxBuffer: 16 * 1024 * 1024 });
  const elu = performance.eventLoopUtilization(elu0); const cpu = process.cpuUsage(cpu0);
  const pgMicros = postgres ? (cpuSecondsOf('postgres') - pg0) * 1e6 : 0;
  const credentials = job.n * (job.per ?? 1);
  return {
    rate: (JSON.parse(stdout) as { rate: number }).rate,
    cpu: (cpu.user + cpu.system + pgMicros) / credentials,
    main: (elu.active * 1000) / credentials,
    ...(postgres ? { db: pgMicros / credentials } : {}),
  };
}

/** The issue's target: service ≥ TARGET × library single-thread rate × cores. */
const TARGET = 0.8;

const SUITES: { name: ProofSuiteName; options: Record<string, string> }[] = [
  { name: 'eddsa-rdfc-2022', options: {} },
  { name: 'eddsa-jcs-2022', options: { cryptosuite: 'eddsa-jcs-2022' } },
  { name: 'vc+jwt', options: { proofFormat: 'vc+jwt' } },
];

/** Runs `fn` one call after another for `ms` (at least once): calls per second and CPU µs per call. */
async function timedLoop(ms: number, fn: (i: number) => Promise<unknown>): Promise<{ rate: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let i = 0;
  do await fn(i++); while (performance.now() - t0 < ms);
  const cpu = process.cpuUsage(cpu0);
  return { rate: i / ((performance.now() - t0) / 1000), cpu: (cpu.user + cpu.system) / i };
}

interface LibraryRate { sign: number; verify: number; signCpu: number; verifyCpu: number }

/** The library in this thread: rates, and CPU per credential (every thread of the process, GC included). */
async function libraryRates(suite: ProofSuiteName, ms: number, runs: number): Promise<LibraryRate> {
  const key = await keyFromSeed(new Uint8Array(32).fill(5), 'did:web:bench.test', 'key-1');
  const documentLoader = createDocumentLoader({ documents: { 'did:web:bench.test': controllerDocument('did:web:bench.test', [key]) } });
  const signed = await signCredential(obInput('did:web:bench.test', 0), { suite, key, documentLoader });
  const sign = (i: number) => signCredential(obInput('did:web:bench.test', i), { suite, key, documentLoader });
  const verify = () => verifyCredentialProof(signed, { documentLoader });
  await timedLoop(ms / 2, sign); await timedLoop(ms / 2, verify); // warm-up
  const s: { rate: number; cpu: number }[] = []; const v: { rate: number; cpu: number }[] = [];
  for (let r = 0; r < runs; r++) { s.push(await timedLoop(ms, sign)); v.push(await timedLoop(ms, verify)); }
  return { sign: median(s.map((x) => x.rate)), verify: median(v.map((x) => x.rate)), signCpu: median(s.map((x) => x.cpu)), verifyCpu: median(v.map((x) => x.cpu)) };
}

/**
 * The library in `threads` worker threads at once (piscina, one task per thread, all started
 * together after a warm-up): what this machine gives that many threads of signing or verifying
 * with nothing else running, the ceiling for any service here whatever its overhead. Each thread
 * loops for the same time; the rate is the sum of the threads' own rates.
 */
async function parallelLibraryRates(suite: ProofSuiteName, ms: number, threads: number, runs: number) {
  const pool = new Piscina({ filename: LIBRARY_WORKER, minThreads: threads, maxThreads: threads, execArgv: ['--import', 'tsx'] });
  const round = async (op: 'sign' | 'verify', span: number) => {
    const results = await Promise.all(Array.from({ length: threads }, () => pool.run({ suite, op, ms: span } satisfies LibraryTask) as Promise<LibraryTaskResult>));
    return results.reduce((sum, r) => sum + r.count / (r.elapsedMs / 1000), 0);
  };
  try {
    await round('sign', ms / 2); await round('verify', ms / 2);
    const sign: number[] = []; const verify: number[] = [];
    for (let r = 0; r < runs; r++) { sign.push(await round('sign', ms)); verify.push(await round('verify', ms)); }
    return { sign: median(sign), verify: median(verify) };
  } finally {
    await pool.destroy();
  }
}

/**
 * The same library loop in `processes` processes at once (each warmed up, then all started
 * together): what the machine gives separate processes, which share no allocator, thread pool or
 * locks. Beside the threads figure, it shows what running in threads of one process costs.
 */
async function processLibraryRates(suite: ProofSuiteName, ms: number, processes: number, runs: number) {
  const round = async (op: 'sign' | 'verify') => {
    const children: ChildProcess[] = Array.from({ length: processes }, () => fork(LIBRARY_PROCESS, [], { execArgv: ['--import', 'tsx'] }));
    try {
      const message = (c: ChildProcess) => new Promise<unknown>((resolve, reject) => {
        c.once('message', resolve);
        c.once('exit', (code) => reject(new Error(`library process exited with ${code}`)));
      });
      const ready = children.map(message);
      children.forEach((c) => c.send({ suite, op, ms } satisfies LibraryTask));
      await Promise.all(ready);
      const done = children.map((c) => message(c) as Promise<LibraryTaskResult>);
      children.forEach((c) => c.send('go'));
      return (await Promise.all(done)).reduce((sum, r) => sum + r.count / (r.elapsedMs / 1000), 0);
    } finally {
      children.forEach((c) => c.kill());
    }
  };
  const sign: number[] = []; const verify: number[] = [];
  for (let r = 0; r < runs; r++) { sign.push(await round('sign')); verify.push(await round('verify')); }
  return { sign: median(sign), verify: median(verify) };
}

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const json = await res.json() as Record<string, any>;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

interface ServiceRates { issue: ServiceRun; verify: ServiceRun; batchIssue: ServiceRun; presentationVerify: ServiceRun }

/** The run with the median rate (its CPU figures come with it). */
function medianRun(runs: ServiceRun[]): ServiceRun {
  return [...runs].sort((a, b) => a.rate - b.rate)[Math.floor((runs.length - 1) / 2)]!;
}

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
      const postgres = pgUrl !== undefined;
      await clientRun({ ...base, kind: 'verify', n: Math.min(n, 32), credential: sample }, postgres); // warm the pool
      const issue: ServiceRun[] = []; const verify: ServiceRun[] = []; const batchIssue: ServiceRun[] = []; const presentationVerify: ServiceRun[] = [];
      // Batches: twice as many credentials as a single-request run, `per` to a request, two requests
      // at a time (one being stored while the other is signed).
      const batch = { ...base, concurrency: 2, per: per(s.name), n: Math.max(2, Math.ceil((2 * n) / per(s.name))) };
      for (let r = 0; r < runs; r++) {
        issue.push(await clientRun({ ...base, kind: 'issue', n, token, issuerDid: inst.did, firstSerial: serial + 1, options: s.options }, postgres));
        serial += n;
        verify.push(await clientRun({ ...base, kind: 'verify', n, credential: sample }, postgres));
        batchIssue.push(await clientRun({ ...batch, kind: 'batch', token, institutionId: inst.id, issuerDid: inst.did, firstSerial: serial + 1, options: s.options }, postgres));
        serial += batch.n * batch.per;
        presentationVerify.push(await clientRun({ ...batch, kind: 'presentation', credential: sample }, postgres));
      }
      out.set(s.name, { issue: medianRun(issue), verify: medianRun(verify), batchIssue: medianRun(batchIssue), presentationVerify: medianRun(presentationVerify) });
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
    const libraryMs = ctx.smoke ? 30 : 1500;
    const sizes = (suite: ProofSuiteName) => (ctx.smoke ? 5 : suite === 'eddsa-rdfc-2022' ? 600 : 1_500);
    const library = new Map<ProofSuiteName, LibraryRate>();
    const parallel = new Map<ProofSuiteName, { sign: number; verify: number }>();
    const processes = new Map<ProofSuiteName, { sign: number; verify: number }>();
    for (const s of SUITES) {
      library.set(s.name, await libraryRates(s.name, libraryMs, runs));
      parallel.set(s.name, await parallelLibraryRates(s.name, libraryMs, cores, runs));
      processes.set(s.name, await processLibraryRates(s.name, libraryMs, cores, runs));
    }
    const per = (suite: ProofSuiteName) => (ctx.smoke ? 3 : suite === 'eddsa-rdfc-2022' ? 60 : 120);
    const services: [string, Map<ProofSuiteName, ServiceRates>][] = [['PGlite', await serviceRates(undefined, runs, sizes, per)]];
    if (ctx.postgresUrl) services.push(['PostgreSQL', await serviceRates(ctx.postgresUrl, runs, sizes, per)]);
    const lines = [`${cores} cores; library loops of ${libraryMs} ms; service: HTTP, clients in a separate process: POST /credentials/issue and /credentials/verify with 16 concurrent clients, `
      + 'POST /institutions/{id}/credentials/batches and POST /presentations/verify (unsigned presentation) with 2 concurrent requests of the size shown; '
      + `credentials per second, median of ${runs} runs`, '',
      `| suite | op | library 1 thread /s | library in ${cores} threads /s | ratio | library in ${cores} processes /s | ratio | ${services.map(([db]) => `service on ${db} /s | ratio`).join(' | ')} |`,
      `|---|---|---|---|---|---|---|${services.map(() => '---|---|').join('')}`];
    const cpuLines = ['', 'CPU per credential, µs (same runs; service = server process, all threads, + PostgreSQL processes; main = wall time the server main thread was busy (event-loop utilisation; it includes waiting for a CPU); '
      + 'ceiling = library CPU ÷ service CPU, the highest ratio the service could reach with every core busy; '
      + 'budget = what the target leaves for everything but the signature or proof check, a quarter of the library\'s CPU (library ÷ 0.8 − library); '
      + 'PostgreSQL = the part of the service CPU spent by the database\'s processes):', '',
      `| suite | op | library | budget | ${services.map(([db]) => `${db}: service | main | ${db === 'PostgreSQL' ? 'PostgreSQL | ' : ''}ceiling`).join(' | ')} |`,
      `|---|---|---|---|${services.map(([db]) => (db === 'PostgreSQL' ? '---|---|---|---|' : '---|---|---|')).join('')}`];
    for (const s of SUITES) {
      const lib = library.get(s.name)!; const par = parallel.get(s.name)!; const proc = processes.get(s.name)!;
      const ops: [string, keyof ServiceRates, 'sign' | 'verify'][] = [
        ['issue', 'issue', 'sign'], [`issue, batches of ${per(s.name)}`, 'batchIssue', 'sign'],
        ['verify', 'verify', 'verify'], [`verify, presentations of ${per(s.name)}`, 'presentationVerify', 'verify']];
      for (const [label, key, libOp] of ops) {
        const libRate = lib[libOp]; const parRate = par[libOp]; const procRate = proc[libOp]; const libCpu = libOp === 'sign' ? lib.signCpu : lib.verifyCpu;
        const cells = services.map(([, m]) => { const v = m.get(s.name)![key]; return `${fmt(v.rate, 0)} | ${fmt(v.rate / (libRate * cores), 2)}`; });
        lines.push(`| ${s.name} | ${label} | ${fmt(libRate, 0)} | ${fmt(parRate, 0)} | ${fmt(parRate / (libRate * cores), 2)} | ${fmt(procRate, 0)} | ${fmt(procRate / (libRate * cores), 2)} | ${cells.join(' | ')} |`);
        const cpuCells = services.map(([, m]) => {
          const v = m.get(s.name)![key];
          return `${fmt(v.cpu, 0)} | ${fmt(v.main, 0)} | ${v.db !== undefined ? `${fmt(v.db, 0)} | ` : ''}${fmt(libCpu / v.cpu, 2)}`;
        });
        cpuLines.push(`| ${s.name} | ${label} | ${fmt(libCpu, 0)} | ${fmt(libCpu / TARGET - libCpu, 0)} | ${cpuCells.join(' | ')} |`);
      }
    }
    return [...lines, ...cpuLines, '', '- ratio = rate / (library single-thread rate × cores); target for the service ≥ 0.8',
      `- library in ${cores} threads / processes: the same library loop in ${cores} worker threads of one process, or in ${cores} processes, at once, nothing else running: `
        + 'the most a service whose signing runs in threads (as this one does), or in processes, can reach on this machine',
      '- a ceiling under 0.8 means the service spends more CPU per credential than the target allows, however its work is spread over cores'];
  },
};
