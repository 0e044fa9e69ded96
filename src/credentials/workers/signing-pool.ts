import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import canonicalize from 'canonicalize';
import DataLoader from 'dataloader';
import { Piscina } from 'piscina';
import { createDocumentLoader } from '../core/document-loader.js';
import type { JsonObject } from '../core/did-key.js';
import { isJsonObject } from '../core/credential-fields.js';
import type { IssuerKey } from '../core/keys.js';
import type { ProofSuiteName } from '../core/proof-result.js';
import { signCredential, suites, type SignedCredential } from '../core/suites.js';
import type { ProofVerification } from '../core/proof-result.js';
import { storedFormDigest } from '../core/stored-form.js';
import type { SignTask, VerifyTask } from './sign-worker.js';

export interface SignRequest { suite: ProofSuiteName; key: IssuerKey; now: Date }

/** A signed credential and the SHA-256 of its stored form (storedFormDigest), for its ledger entry. */
export interface SignedItem { signed: SignedCredential; storedDigest: string }

/** A task of a message that failed on its own (the others of the message are answered). */
export interface TaskFailure { failed: string }

/** A proof check, with the stored-form digest of the presented credential (see presentedDigest). */
export interface PresentedProof extends ProofVerification { presentedDigest?: string }

/** Signs credentials; the service does not care whether in this thread or a worker pool. */
export interface CredentialSigner {
  sign(credential: JsonObject, req: SignRequest): Promise<SignedCredential>;
  /** Signs many, each with its stored-form digest (computed where it was signed: off the main thread in a pool). */
  signMany(items: { credential: JsonObject; req: SignRequest }[]): Promise<SignedItem[]>;
  /** Checks proofs against controller documents given up front (the worker has no database); results in input order. */
  verifyProofs?(inputs: unknown[], documents: Record<string, JsonObject>, now: Date): Promise<PresentedProof[]>;
  /** Gets ready for full load (the server calls this at start-up; tests need not). */
  warm?(): Promise<void>;
  close(): Promise<void>;
}

/** In-thread signing (tests that want no threads, the library-alone benchmark). */
export class InlineSigner implements CredentialSigner {
  readonly #loader = createDocumentLoader();
  sign(credential: JsonObject, req: SignRequest) {
    return signCredential(credential, { ...req, documentLoader: this.#loader });
  }
  async signMany(items: { credential: JsonObject; req: SignRequest }[]): Promise<SignedItem[]> {
    const out: SignedItem[] = [];
    for (const i of items) {
      const signed = await this.sign(i.credential, i.req);
      out.push({ signed, storedDigest: storedFormDigest(signed, canonicalize) });
    }
    return out;
  }
  async close() {}
}

/**
 * DataLoader options for work that arrives in the same turn of the event loop (from concurrent
 * requests): one batch per turn (setImmediate, so requests read from different sockets in one poll
 * phase are batched), never a cache.
 */
export const SAME_TURN = { cache: false, maxBatchSize: 1_000, batchScheduleFn: (run: () => void) => setImmediate(run) } as const;

/** A proof check waiting to go to a thread, with the controller documents its request resolved. */
interface VerifyItem { input: unknown; documents: Record<string, JsonObject>; now: string }

/**
 * How many items go in one task: enough tasks that every thread has work (and, for big batches,
 * four per thread so a slow chunk does not leave a thread idle), but never one item per message
 * when there are more items than threads.
 */
export function chunkSize(n: number, threads: number): number {
  const tasks = Math.max(1, Math.min(n, threads * 4, Math.max(threads, Math.floor(n / 4))));
  return Math.ceil(n / tasks);
}

/** The union of the items' documents, or undefined when two give different documents for one URL. */
function sharedDocuments(items: readonly VerifyItem[]): Record<string, JsonObject> | undefined {
  if (items.every((x) => x.documents === items[0]!.documents)) return items[0]!.documents;
  const out: Record<string, JsonObject> = {};
  for (const { documents } of items) {
    for (const [url, doc] of Object.entries(documents)) {
      const seen = out[url];
      if (seen === undefined) out[url] = doc;
      else if (seen !== doc && JSON.stringify(seen) !== JSON.stringify(doc)) return undefined;
    }
  }
  return out;
}


const task = (credential: JsonObject, r: SignRequest): SignTask => ({ credential, suite: r.suite, key: r.key, now: r.now.toISOString() });

/**
 * Signing spread over worker threads (piscina). Under tsx or vitest the worker is TypeScript, so
 * it is started with the tsx loader; a compiled build would load the .js file directly.
 */
export class PooledSigner implements CredentialSigner {
  #pool: Piscina | undefined;
  /**
   * Signatures and proof checks of the same turn of the event loop (a batch's or presentation's,
   * and those of concurrent requests) go to the threads together, cut into chunks: one message per
   * chunk instead of one per credential: under load, handing a task to a thread took the main thread
   * about as long as a JCS signature or proof check takes a worker (profiles on 2-core VMs).
   */
  readonly #signs = new DataLoader<SignTask, SignedItem>((tasks) => this.signTogether(tasks), SAME_TURN);
  readonly #verifies = new DataLoader<VerifyItem, PresentedProof>((items) => this.verifyTogether(items), SAME_TURN);

  constructor(private readonly threads = availableParallelism()) {}

  private pool(): Piscina {
    if (this.#pool) return this.#pool;
    // This module's own extension says which: .ts under tsx or vitest, .js when compiled.
    const ts = import.meta.url.endsWith('.ts');
    this.#pool = new Piscina({
      filename: fileURLToPath(new URL(ts ? './sign-worker.ts' : './sign-worker.js', import.meta.url)),
      // Every thread from the start: a thread started under load spends its first requests loading
      // modules and compiling (the first task ~0.4 s, the next hundred about 1.5× the steady cost).
      minThreads: this.threads, maxThreads: this.threads,
      // JSON-LD canonicalisation allocates heavily and briefly: a larger young generation means fewer
      // scavenges (pool probe, rdfc verify: about 5.6 -> 5.0 ms CPU per proof, 10-15% more per second).
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
      execArgv: ts ? ['--import', 'tsx'] : [],
    });
    return this.#pool;
  }

  sign(credential: JsonObject, req: SignRequest): Promise<SignedCredential> {
    return this.pool().run(task(credential, req));
  }

  /** Signed in chunks (chunkSize) so every core signs; with concurrent requests' items, like verifyProofs. */
  async signMany(items: { credential: JsonObject; req: SignRequest }[]): Promise<SignedItem[]> {
    const tasks = items.map((x) => task(x.credential, x.req));
    if (!this.fillsThreads(tasks.length)) return Promise.all(tasks.map((t) => this.#signs.load(t)));
    const results = await this.signTogether(tasks);
    const failed = results.find((r) => r instanceof Error);
    if (failed) throw failed;
    return results as SignedItem[];
  }

  /**
   * Whether a call of n items fills every thread by itself: it then goes out on its own instead of
   * joining the turn's other calls, so that a batch is not held back until another request's batch
   * is signed too (the threads take tasks in order, so the first batch finishes first).
   */
  private fillsThreads(n: number): boolean {
    return n >= this.threads * 4;
  }

  private async signTogether(tasks: readonly SignTask[]): Promise<(SignedItem | Error)[]> {
    const size = chunkSize(tasks.length, this.threads);
    const runs: Promise<(SignedItem | TaskFailure)[]>[] = [];
    for (let i = 0; i < tasks.length; i += size) runs.push(this.pool().run(tasks.slice(i, i + size), { name: 'signMany' }) as Promise<(SignedItem | TaskFailure)[]>);
    return (await Promise.all(runs)).flat().map((r) => ('failed' in r ? new Error(r.failed) : r));
  }

  async verifyProofs(inputs: unknown[], documents: Record<string, JsonObject>, now: Date): Promise<PresentedProof[]> {
    const items = inputs.map((input): VerifyItem => ({ input, documents, now: now.toISOString() }));
    const results = this.fillsThreads(items.length) ? await this.verifyTogether(items) : await Promise.all(items.map((x) => this.#verifies.load(x)));
    // The worker leaves out a credential object it was given (it is the input) rather than copy it back.
    return results.map((r, i) => (isJsonObject(inputs[i]) && r.credential === undefined ? { ...r, credential: inputs[i] as JsonObject } : r));
  }

  private async verifyTogether(items: readonly VerifyItem[]): Promise<PresentedProof[]> {
    const size = chunkSize(items.length, this.threads);
    const runs: Promise<PresentedProof[]>[] = [];
    for (let i = 0; i < items.length; i += size) runs.push(this.verifyChunk(items.slice(i, i + size)));
    return (await Promise.all(runs)).flat();
  }

  private async verifyChunk(items: readonly VerifyItem[]): Promise<PresentedProof[]> {
    const documents = sharedDocuments(items);
    // Requests that resolved the same controller differently (a key rotated between them) are not mixed.
    if (!documents) return (await Promise.all(items.map((x) => this.verifyChunk([x])))).flat();
    const t: VerifyTask = { items: items.map((x) => ({ input: x.input, now: x.now })), documents };
    return this.pool().run(t, { name: 'verifyProofs' }) as Promise<PresentedProof[]>;
  }

  /**
   * Starts every thread and has each sign and verify a throwaway credential per suite a few dozen
   * times, so the first requests after start-up do not pay the warm-up. One task per thread: each
   * takes long enough that piscina hands the next to another idle thread.
   */
  async warm(rounds = PooledSigner.WARM_ROUNDS): Promise<void> {
    const counts = await Promise.all(Array.from({ length: this.threads }, () => this.pool().run(rounds, { name: 'warmUp' }) as Promise<number>));
    const expected = rounds * suites.size;
    if (counts.some((n) => n !== expected)) throw new Error(`signing pool warm-up: ${counts.join(', ')} of ${expected} proofs verified per thread`);
  }

  static readonly WARM_ROUNDS = 30;

  async close(): Promise<void> {
    await this.#pool?.destroy();
    this.#pool = undefined;
  }
}
