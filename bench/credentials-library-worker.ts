import { controllerDocument, keyFromSeed } from '../src/credentials/core/keys.js';
import { createDocumentLoader } from '../src/credentials/core/document-loader.js';
import type { ProofSuiteName } from '../src/credentials/core/proof-result.js';
import { signCredential, verifyCredentialProof, type SignedCredential } from '../src/credentials/core/suites.js';
import { obInput } from './credentials-input.js';

/**
 * A piscina task of the "library in every core" measurement (credentials.bench.ts): the same loop as
 * the library-alone rate, run in one thread per core at once, so the bench sees what the machine
 * itself gives that many threads of this work, with no HTTP, database or load client.
 * The loop runs for `ms` (at least one operation) and returns how many it did and its wall time.
 */
export interface LibraryTask { suite: ProofSuiteName; op: 'sign' | 'verify'; ms: number }
export interface LibraryTaskResult { count: number; elapsedMs: number }

const signed = new Map<ProofSuiteName, SignedCredential>();
let setup: Promise<{ key: Awaited<ReturnType<typeof keyFromSeed>>; documentLoader: ReturnType<typeof createDocumentLoader> }> | undefined;

export default async function run({ suite, op, ms }: LibraryTask): Promise<LibraryTaskResult> {
  setup ??= keyFromSeed(new Uint8Array(32).fill(5), 'did:web:bench.test', 'key-1').then((key) => ({
    key, documentLoader: createDocumentLoader({ documents: { 'did:web:bench.test': controllerDocument('did:web:bench.test', [key]) } }),
  }));
  const { key, documentLoader } = await setup;
  let sample = signed.get(suite);
  if (!sample) signed.set(suite, (sample = await signCredential(obInput('did:web:bench.test', 0), { suite, key, documentLoader })));
  const t0 = performance.now();
  let count = 0;
  do {
    if (op === 'sign') await signCredential(obInput('did:web:bench.test', count), { suite, key, documentLoader });
    else if (!(await verifyCredentialProof(sample, { documentLoader })).verified) throw new Error('library worker: proof not verified');
    count++;
  } while (performance.now() - t0 < ms);
  return { count, elapsedMs: performance.now() - t0 };
}
