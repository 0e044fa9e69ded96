/**
 * Piscina worker: signs one credential. Keys arrive in the task message (structured clone between
 * threads of one process) and are never logged; only bundled contexts are needed to sign.
 */
import { buildAchievementCredential } from '../core/builders.js';
import { createDocumentLoader } from '../core/document-loader.js';
import type { JsonObject } from '../core/did-key.js';
import { controllerDocument, keyFromSeed, type IssuerKey } from '../core/keys.js';
import { proofError, type ProofSuiteName, type ProofVerification } from '../core/proof-result.js';
import { suites } from '../core/suites.js';
import { signCredential, verifyCredentialProof, type SignedCredential } from '../core/suites.js';
import { presentedDigest, storedFormDigest, type Canonicalize } from '../core/stored-form.js';
import type { PresentedProof, SignedItem, TaskFailure } from './signing-pool.js';

export interface SignTask { credential: JsonObject; suite: ProofSuiteName; key: IssuerKey; now: string }

const documentLoader = createDocumentLoader();

export default async function sign(task: SignTask): Promise<SignedCredential> {
  return signCredential(task.credential, { suite: task.suite, key: task.key, documentLoader, now: task.now });
}

// `canonicalize` exports only an import entry, and under tsx this thread loads its modules through
// require, so a static import of it here would stop every signing thread from starting: import().
let canonicalize: Promise<Canonicalize> | undefined;
const loadCanonicalize = () => (canonicalize ??= import('canonicalize').then((m) => m.default as Canonicalize));

/**
 * Several tasks in one message (amortises the thread hop), each with its stored-form digest, so the
 * main thread need not canonicalise the signed documents again for the ledger. The tasks may come
 * from different requests, so a task that fails is answered with its error, not the whole message.
 */
export async function signMany(tasks: SignTask[]): Promise<(SignedItem | TaskFailure)[]> {
  const canon = await loadCanonicalize();
  const out: (SignedItem | TaskFailure)[] = [];
  for (const t of tasks) {
    try {
      const signed = await sign(t);
      out.push({ signed, storedDigest: storedFormDigest(signed, canon) });
    } catch (err) {
      out.push({ failed: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

export interface VerifyTask { items: { input: unknown; now: string }[]; documents: Record<string, JsonObject> }

/**
 * Verifies proofs with the controller documents the main thread resolved from the database (one
 * set for the whole task: the credentials of a presentation, or of concurrent requests, mostly
 * share their issuers), each at its request's time. Each result
 * carries the digest of the presented form, which the ledger check compares with the recorded one,
 * so the main thread need not canonicalise the credential again.
 */
export async function verifyProofs(task: VerifyTask): Promise<PresentedProof[]> {
  const canon = await loadCanonicalize();
  const loader = createDocumentLoader({ documents: task.documents });
  const out: PresentedProof[] = [];
  for (const { input, now } of task.items) {
    // The items may come from different requests: one that throws is answered alone, as malformed.
    const result = await verifyCredentialProof(input, { documentLoader: loader, now })
      .catch((e: unknown): ProofVerification => ({ verified: false, errors: [proofError('MALFORMED', e instanceof Error ? e.message : String(e))] }));
    out.push({
      ...result,
      // For an object input the credential is that input: the caller has it, so it is not copied back.
      credential: result.credential === input ? undefined : result.credential,
      presentedDigest: presentedDigest(input, canon),
    });
  }
  return out;
}

const WARM_DID = 'did:web:warm-up.invalid';

/**
 * Signs and verifies a throwaway credential `rounds` times per suite (a key from a fixed seed,
 * nothing stored), so that this thread has loaded and compiled the suites and processed the
 * bundled contexts before the first request, which would otherwise pay several times the
 * steady cost. Returns the verified count, so a broken suite shows at start-up.
 */
export async function warmUp(rounds: number): Promise<number> {
  await loadCanonicalize(); // signMany and verifyProofs need it; a failure to load shows at start-up
  const key = await keyFromSeed(new Uint8Array(32).fill(7), WARM_DID, 'warm-up');
  const loader = createDocumentLoader({ documents: { [WARM_DID]: controllerDocument(WARM_DID, [key]) } });
  const now = new Date().toISOString();
  let verified = 0;
  for (let i = 0; i < rounds; i++) {
    for (const suite of suites.keys()) {
      const signed = await signCredential(warmCredential(i), { suite, key, documentLoader: loader, now });
      if ((await verifyCredentialProof(signed, { documentLoader: loader, now })).verified) verified++;
    }
  }
  return verified;
}

function warmCredential(i: number): JsonObject {
  return buildAchievementCredential({
    id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    issuer: { id: WARM_DID, name: 'Warm-up' },
    achievement: { id: 'https://warm-up.invalid/a', name: 'Warm-up', description: 'Warm-up', achievementType: 'Course',
      criteria: { narrative: 'none' }, creditsAvailable: '1', alignment: [{ targetName: 'L1', targetUrl: 'https://warm-up.invalid/l1' }] },
    subject: { identifier: [{ identityType: 'identifier', identityHash: `sha256$${'ab'.repeat(32)}`, salt: String(i) }], creditsEarned: '1', result: [{ value: 'A' }] },
    validFrom: '2025-01-01T00:00:00Z',
  });
}
