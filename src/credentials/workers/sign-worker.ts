/**
 * Piscina worker: signs one credential. Keys arrive in the task message (structured clone between
 * threads of one process) and are never logged; only bundled contexts are needed to sign.
 */
import { createDocumentLoader } from '../core/document-loader.js';
import type { JsonObject } from '../core/did-key.js';
import type { IssuerKey } from '../core/keys.js';
import type { ProofSuiteName } from '../core/proof-result.js';
import { signCredential, verifyCredentialProof, type SignedCredential } from '../core/suites.js';
import type { ProofVerification } from '../core/proof-result.js';

export interface SignTask { credential: JsonObject; suite: ProofSuiteName; key: IssuerKey; now: string }

const documentLoader = createDocumentLoader();

export default async function sign(task: SignTask): Promise<SignedCredential> {
  return signCredential(task.credential, { suite: task.suite, key: task.key, documentLoader, now: task.now });
}

/** Several tasks in one message: amortises the thread hop for batches. */
export async function signMany(tasks: SignTask[]): Promise<SignedCredential[]> {
  const out: SignedCredential[] = [];
  for (const t of tasks) out.push(await sign(t));
  return out;
}

export interface VerifyTask { input: unknown; documents: Record<string, JsonObject>; now: string }

/** Verifies a proof with the controller documents the main thread resolved from the database. */
export async function verifyProof(task: VerifyTask): Promise<ProofVerification> {
  const loader = createDocumentLoader({ documents: task.documents });
  return verifyCredentialProof(task.input, { documentLoader: loader, now: task.now });
}
