import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import canonicalize from 'canonicalize';
import { Piscina } from 'piscina';
import { createDocumentLoader } from '../core/document-loader.js';
import type { JsonObject } from '../core/did-key.js';
import type { IssuerKey } from '../core/keys.js';
import type { ProofSuiteName } from '../core/proof-result.js';
import { signCredential, suites, type SignedCredential } from '../core/suites.js';
import type { ProofVerification } from '../core/proof-result.js';
import { storedFormDigest } from '../core/stored-form.js';
import type { SignTask, VerifyTask } from './sign-worker.js';

export interface SignRequest { suite: ProofSuiteName; key: IssuerKey; now: Date }

/** A signed credential and the SHA-256 of its stored form (storedFormDigest), for its ledger entry. */
export interface SignedItem { signed: SignedCredential; storedDigest: string }

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

const isCredentialObject = (x: unknown): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x);

const task = (credential: JsonObject, r: SignRequest): SignTask => ({ credential, suite: r.suite, key: r.key, now: r.now.toISOString() });

/**
 * Signing spread over worker threads (piscina). Under tsx or vitest the worker is TypeScript, so
 * it is started with the tsx loader; a compiled build would load the .js file directly.
 */
export class PooledSigner implements CredentialSigner {
  #pool: Piscina | undefined;
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

  /** A batch is cut into one chunk per thread so every core signs. */
  async signMany(items: { credential: JsonObject; req: SignRequest }[]): Promise<SignedItem[]> {
    const size = Math.max(1, Math.ceil(items.length / (this.threads * 4)));
    const chunks: SignTask[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size).map((x) => task(x.credential, x.req)));
    const results = await Promise.all(chunks.map((c) => this.pool().run(c, { name: 'signMany' }) as Promise<SignedItem[]>));
    return results.flat();
  }

  /** Cut into chunks like signMany: a presentation of many credentials uses every thread. */
  async verifyProofs(inputs: unknown[], documents: Record<string, JsonObject>, now: Date): Promise<PresentedProof[]> {
    const size = Math.max(1, Math.ceil(inputs.length / (this.threads * 4)));
    const runs: Promise<PresentedProof[]>[] = [];
    for (let i = 0; i < inputs.length; i += size) {
      const task: VerifyTask = { inputs: inputs.slice(i, i + size), documents, now: now.toISOString() };
      runs.push(this.pool().run(task, { name: 'verifyProofs' }) as Promise<PresentedProof[]>);
    }
    // The worker leaves out a credential object it was given (it is the input) rather than copy it back.
    return (await Promise.all(runs)).flat().map((r, i) => (isCredentialObject(inputs[i]) && r.credential === undefined ? { ...r, credential: inputs[i] as JsonObject } : r));
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
