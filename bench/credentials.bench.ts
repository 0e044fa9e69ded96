import { availableParallelism } from 'node:os';
import { buildAchievementCredential } from '../src/credentials/core/builders.js';
import { controllerDocument, keyFromSeed } from '../src/credentials/core/keys.js';
import { createDocumentLoader } from '../src/credentials/core/document-loader.js';
import type { ProofSuiteName } from '../src/credentials/core/proof-result.js';
import { signCredential, verifyCredentialProof } from '../src/credentials/core/suites.js';
import type { Benchmark } from './registry.js';
import { BENCH_OPERATOR_SECRET, fmt, median, startBenchServer } from './support.js';

const SUITES: { name: ProofSuiteName; options: Record<string, string> }[] = [
  { name: 'eddsa-rdfc-2022', options: {} },
  { name: 'eddsa-jcs-2022', options: { cryptosuite: 'eddsa-jcs-2022' } },
  { name: 'vc+jwt', options: { proofFormat: 'vc+jwt' } },
];

/** An OB 3.0 AchievementCredential like the ones the service issues (alignment, result, credits). */
function obInput(issuerDid: string, n: number) {
  return buildAchievementCredential({
    id: `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    issuer: { id: issuerDid, name: 'Bench University 基准大学' },
    achievement: { id: 'https://bank.test/catalogue/cs-101', name: '数据结构 Data Structures', description: 'Course', achievementType: 'Course',
      criteria: { narrative: 'Pass the exam' }, creditsAvailable: '4', fieldOfStudy: '0613',
      alignment: [{ targetName: 'EQF level 6', targetUrl: 'https://bank.test/frameworks/eqf/6', targetFramework: 'EQF', targetCode: '6' }] },
    subject: { identifier: [{ identityType: 'identifier', identityHash: `sha256$${'cd'.repeat(32)}`, salt: 'bench' }], creditsEarned: '4', result: [{ value: 'A' }] },
    validFrom: '2025-01-01T00:00:00Z',
  });
}

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

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const json = await res.json() as Record<string, any>;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/**
 * Issue and verify throughput of an OB 3.0 credential per proof suite: the library alone in one
 * thread against the service over HTTP (worker pool, PGlite) in the same run.
 * Target: service ≥ 0.8 × library single-thread × cores.
 */
export const credentialsBench: Benchmark = {
  name: 'credentials: issue/verify, library vs service',
  async run(ctx) {
    const runs = ctx.smoke ? 1 : 3;
    const cores = availableParallelism();
    const server = await startBenchServer();
    const lines = [`${cores} cores; service: HTTP POST /credentials/issue and /credentials/verify, 16 concurrent clients, PGlite; median of ${runs} runs`, '',
      '| suite | op | library 1 thread /s | service /s | service / (library × cores) |', '|---|---|---|---|---|'];
    try {
      const op = (await post(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'operator', client_secret: BENCH_OPERATOR_SECRET })).access_token as string;
      const inst = await post(`${server.url}/institutions`, { name: { en: 'Bench University' }, kind: 'university', country: 'HK' }, op);
      const client = await post(`${server.url}/institutions/${inst.id}/clients`, { name: 'bench' }, op);
      const token = (await post(`${server.url}/oauth/token`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret })).access_token as string;
      let serial = 0;
      for (const s of SUITES) {
        const n = ctx.smoke ? 5 : s.name === 'eddsa-rdfc-2022' ? 60 : 240;
        const lib = await libraryRates(s.name, n, runs);
        const issueOne = () => { const { id: _id, ...credential } = obInput(inst.did, ++serial); return post(`${server.url}/credentials/issue`, { credential, options: s.options }, token); };
        const sample = (await issueOne()).verifiableCredential;
        await rate(Math.min(n, 32), () => post(`${server.url}/credentials/verify`, { verifiableCredential: sample }), 16); // warm the pool
        const issue: number[] = []; const verify: number[] = [];
        for (let r = 0; r < runs; r++) {
          issue.push(await rate(n, issueOne, 16));
          verify.push(await rate(n, () => post(`${server.url}/credentials/verify`, { verifiableCredential: sample }), 16));
        }
        const [si, sv] = [median(issue), median(verify)];
        lines.push(`| ${s.name} | issue | ${fmt(lib.sign, 0)} | ${fmt(si, 0)} | ${fmt(si / (lib.sign * cores), 2)} |`);
        lines.push(`| ${s.name} | verify | ${fmt(lib.verify, 0)} | ${fmt(sv, 0)} | ${fmt(sv / (lib.verify * cores), 2)} |`);
      }
    } finally {
      await server.close();
      await server.ctx.close().catch(() => undefined);
    }
    return lines;
  },
};
