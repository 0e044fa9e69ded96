import { obInput } from './credentials-input.js';

/**
 * The load generator of the credentials benchmark, run in its own process (as autocannon is for
 * the HTTP benchmarks) so the client's JSON and fetch work does not share the server's event loop.
 * argv[2]: JSON { url, token?, n, concurrency, kind: 'issue' | 'verify', issuerDid?, firstSerial?,
 * options?, credential? }. Prints { rate } (requests per second, every response checked).
 */
interface Job {
  url: string; token?: string; n: number; concurrency: number; kind: 'issue' | 'verify';
  issuerDid?: string; firstSerial?: number; options?: Record<string, string>; credential?: unknown;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as Job;
  const headers = { 'content-type': 'application/json', ...(job.token ? { authorization: `Bearer ${job.token}` } : {}) };
  const body = (i: number): string => {
    if (job.kind === 'verify') return JSON.stringify({ verifiableCredential: job.credential });
    const { id: _id, ...credential } = obInput(job.issuerDid!, (job.firstSerial ?? 0) + i);
    return JSON.stringify({ credential, options: job.options ?? {} });
  };
  const path = job.kind === 'issue' ? '/credentials/issue' : '/credentials/verify';
  const bodies = Array.from({ length: job.n }, (_, i) => body(i)); // built before the clock starts
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (next < job.n) {
      const i = next++;
      const res = await fetch(`${job.url}${path}`, { method: 'POST', headers, body: bodies[i] });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
      if (job.kind === 'verify' && !(JSON.parse(text) as { verified?: boolean }).verified) throw new Error(`${path}: not verified: ${text.slice(0, 300)}`);
    }
  }));
  process.stdout.write(JSON.stringify({ rate: job.n / ((performance.now() - t0) / 1000) }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
