import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { createDocumentLoader } from '../core/document-loader.js';
import type { JsonObject } from '../core/did-key.js';
import type { IssuerKey } from '../core/keys.js';
import type { ProofSuiteName } from '../core/proof-result.js';
import { signCredential, type SignedCredential } from '../core/suites.js';
import type { ProofVerification } from '../core/proof-result.js';
import type { SignTask } from './sign-worker.js';

export interface SignRequest { suite: ProofSuiteName; key: IssuerKey; now: Date }

/** Signs credentials; the service does not care whether in this thread or a worker pool. */
export interface CredentialSigner {
  sign(credential: JsonObject, req: SignRequest): Promise<SignedCredential>;
  signMany(items: { credential: JsonObject; req: SignRequest }[]): Promise<SignedCredential[]>;
  /** Checks a proof against controller documents given up front (the worker has no database). */
  verifyProof?(input: unknown, documents: Record<string, JsonObject>, now: Date): Promise<ProofVerification>;
  close(): Promise<void>;
}

/** In-thread signing (tests that want no threads, the library-alone benchmark). */
export class InlineSigner implements CredentialSigner {
  readonly #loader = createDocumentLoader();
  sign(credential: JsonObject, req: SignRequest) {
    return signCredential(credential, { ...req, documentLoader: this.#loader });
  }
  async signMany(items: { credential: JsonObject; req: SignRequest }[]) {
    const out: SignedCredential[] = [];
    for (const i of items) out.push(await this.sign(i.credential, i.req));
    return out;
  }
  async close() {}
}

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
    const url = new URL('./sign-worker.ts', import.meta.url);
    const ts = url.pathname.endsWith('.ts');
    this.#pool = new Piscina({
      filename: fileURLToPath(ts ? url : new URL('./sign-worker.js', import.meta.url)),
      minThreads: 1, maxThreads: this.threads, idleTimeout: 60_000,
      execArgv: ts ? ['--import', 'tsx'] : [],
    });
    return this.#pool;
  }

  sign(credential: JsonObject, req: SignRequest): Promise<SignedCredential> {
    return this.pool().run(task(credential, req));
  }

  /** A batch is cut into one chunk per thread so every core signs. */
  async signMany(items: { credential: JsonObject; req: SignRequest }[]): Promise<SignedCredential[]> {
    const size = Math.max(1, Math.ceil(items.length / (this.threads * 4)));
    const chunks: SignTask[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size).map((x) => task(x.credential, x.req)));
    const results = await Promise.all(chunks.map((c) => this.pool().run(c, { name: 'signMany' }) as Promise<SignedCredential[]>));
    return results.flat();
  }

  verifyProof(input: unknown, documents: Record<string, JsonObject>, now: Date): Promise<ProofVerification> {
    return this.pool().run({ input, documents, now: now.toISOString() }, { name: 'verifyProof' });
  }

  async close(): Promise<void> {
    await this.#pool?.destroy();
    this.#pool = undefined;
  }
}
