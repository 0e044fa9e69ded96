import { obInput } from './credentials-input.js';

/**
 * The load generator of the credentials benchmark, run in its own process (as autocannon is for
 * the HTTP benchmarks) so the client's JSON and fetch work does not share the server's event loop.
 * argv[2]: JSON { url, token?, n, concurrency, kind, issuerDid?, firstSerial?, options?, credential?,
 * institutionId?, per? }. Kinds: 'issue' and 'verify' (one credential per request), 'batch' (`per`
 * credentials per POST /institutions/{institutionId}/credentials/batches) and 'presentation' (`per`
 * copies of `credential` in one unsigned presentation to POST /presentations/verify). Prints
 * { rate }: credentials per second, every response checked; `n` counts requests.
 */
interface Job {
  url: string; token?: string; n: number; concurrency: number; kind: 'issue' | 'verify' | 'batch' | 'presentation';
  issuerDid?: string; firstSerial?: number; options?: Record<string, string>; credential?: unknown; institutionId?: string; per?: number;
}

const unsigned = (job: Job, serial: number) => {
  const { id: _id, ...credential } = obInput(job.issuerDid!, serial);
  return credential;
};

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as Job;
  const headers = { 'content-type': 'application/json', ...(job.token ? { authorization: `Bearer ${job.token}` } : {}) };
  const per = job.per ?? 1;
  const body = (i: number): string => {
    switch (job.kind) {
      case 'verify': return JSON.stringify({ verifiableCredential: job.credential });
      case 'issue': return JSON.stringify({ credential: unsigned(job, (job.firstSerial ?? 0) + i), options: job.options ?? {} });
      case 'batch': return JSON.stringify({ items: Array.from({ length: per }, (_, k) => ({ credential: unsigned(job, (job.firstSerial ?? 0) + i * per + k), options: job.options ?? {} })) });
      case 'presentation': {
        // A JWT credential travels in a presentation as an enveloped credential (VCDM 2.0 §4.13).
        const vc = typeof job.credential === 'string'
          ? { '@context': 'https://www.w3.org/ns/credentials/v2', id: `data:application/vc+jwt,${job.credential}`, type: 'EnvelopedVerifiableCredential' }
          : job.credential;
        return JSON.stringify({ verifiablePresentation: {
          '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], verifiableCredential: Array.from({ length: per }, () => vc),
        } });
      }
    }
  };
  const path = { issue: '/credentials/issue', verify: '/credentials/verify', batch: `/institutions/${job.institutionId}/credentials/batches`, presentation: '/presentations/verify' }[job.kind];
  const bodies = Array.from({ length: job.n }, (_, i) => body(i)); // built before the clock starts
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (next < job.n) {
      const i = next++;
      const res = await fetch(`${job.url}${path}`, { method: 'POST', headers, body: bodies[i] });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
      if ((job.kind === 'verify' || job.kind === 'presentation') && !(JSON.parse(text) as { verified?: boolean }).verified) throw new Error(`${path}: not verified: ${text.slice(0, 300)}`);
      if (job.kind === 'batch' && (JSON.parse(text) as { created?: number }).created !== per) throw new Error(`${path}: not every credential was new: ${text.slice(0, 300)}`);
    }
  }));
  process.stdout.write(JSON.stringify({ rate: (job.n * per) / ((performance.now() - t0) / 1000) }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
