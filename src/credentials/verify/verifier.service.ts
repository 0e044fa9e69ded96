import { decodeJwt, decodeProtectedHeader } from 'jose';
import canonicalize from 'canonicalize';
import type { Db } from '../../db/database.js';
import { eventBodyDigest } from '../../ledger/merkle/ledger-entry.js';
import { isOpenBadgeLike, issuerId } from '../core/credential-fields.js';
import type { JsonObject } from '../core/did-key.js';
import { createDocumentLoader, type DocumentLoader } from '../core/document-loader.js';
import type { ProofVerification } from '../core/proof-result.js';
import { credentialFromPayload } from '../core/jose-suite.js';
import { checkEducationCredential } from '../core/open-badge-checks.js';
import { statusEntries } from '../core/status-check.js';
import { isCompactJws, verifyCredentialProof } from '../core/suites.js';
import { checkVcdm, validityAt } from '../core/vcdm-checks.js';
import * as repo from '../issuance/credentials.repository.js';
import { issuedEventBody } from '../issuance/issuance.service.js';
import type { IssuerDirectory } from '../issuers/issuer-directory.js';
import type { StatusListService } from '../status/status-lists.service.js';
import type { TrustListService } from '../trust-list/trust-list.service.js';
import { SAME_TURN, type CredentialSigner, type PresentedProof } from '../workers/signing-pool.js';
import { presentedDigest } from '../core/stored-form.js';
import DataLoader from 'dataloader';
import type { IssuedRecord, VerificationFacts } from './verification.repository.js';
import { FactReads, UUID, ownCredentialId, statusCheck, type StatusAsk } from './fact-reads.js';
import { fail, pass, report, skip, type CheckResult, type VerificationReport } from './check-results.js';
import { summarise } from './summary.js';
import type { LedgerProof, LedgerProofs } from './ledger-proof.js';
import { notFound } from '../../errors.js';

/**
 * Verifies credentials offline: proof (contexts bundled, DIDs resolved from the database), issuer on
 * the trust list and key not revoked, status from our own lists, validity dates, OB/CLR shape,
 * VCDM 2.0 rules, and the credential.issued ledger entry. Each check is reported separately.
 */
export class VerifierService {
  /**
   * Reads of verifications that arrive in the same turn of the event loop (concurrent requests)
   * go to the database as one statement: under load, fewer round trips for the same answers.
   */
  readonly #facts = new DataLoader<FactReads, VerificationFacts>((all) => FactReads.fetchTogether(this.db, all),
    SAME_TURN);

  /**
   * @param pinned controller documents from configuration (VERIFIER_CONTROLLERS_FILE), for signature
   *   checks of issuers outside the bank: they prove signatures only, never trust. None by default.
   */
  constructor(private readonly db: Db, private readonly directory: IssuerDirectory, private readonly lists: StatusListService,
    private readonly now: () => Date, private readonly pool?: CredentialSigner, private readonly proofs?: LedgerProofs,
    private readonly pinned: Readonly<Record<string, JsonObject>> = {}, private readonly trustList?: TrustListService) {}

  /**
   * A loader answering our own did:web DIDs, and external issuers' DIDs and https controller
   * documents from the trust list's stored copies, from the database (never the network),
   * memoised for one verification.
   */
  documentLoader(): DocumentLoader {
    const memo = new Map<string, Promise<JsonObject | undefined>>();
    return createDocumentLoader({ documents: this.pinned, resolveDid: (did) => {
      if (!memo.has(did)) memo.set(did, this.directory.didDocument(did).then(async (doc) => doc ?? this.trustList?.controllerDocument(did)));
      return memo.get(did)!;
    }, resolveController: (url) => this.trustList?.controllerDocument(url) });
  }

  async verify(input: unknown, documentLoader = this.documentLoader()): Promise<VerificationReport> {
    return (await this.verifyMany([input], documentLoader))[0]!;
  }

  /**
   * Verifies credentials together (a presentation's): the proofs spread over the signing threads,
   * and one database read for every status bit and ledger record they need. Reports keep the order.
   */
  async verifyMany(inputs: unknown[], documentLoader = this.documentLoader()): Promise<VerificationReport[]> {
    const now = this.now();
    const jwts = inputs.map((x) => (isCompactJws(x) ? x.trim() : undefined));
    const proofs = await this.checkProofs(inputs, jwts, documentLoader, now);
    const credentials = proofs.map((p, i) => {
      const c = p.credential ?? (jwts[i] ? unverifiedPayload(jwts[i]) : inputs[i]);
      return c && typeof c === 'object' && !Array.isArray(c) ? c as JsonObject : undefined;
    });
    const reads = new FactReads(credentials.map((c) => (c ? this.statusAsks(c) : [])), credentials.map((c) => (c ? ownCredentialId(c) : undefined)));
    const facts = await this.#facts.load(reads);
    return Promise.all(inputs.map(async (input, i) => {
      const proof = proofs[i]!; const credential = credentials[i];
      if (!credential) return report([fail('proof', 'malformed', proof.errors[0]?.message ?? 'not a credential')], summarise(undefined, proof.suite ?? 'unknown', false));
      const { check: issuerResult, known } = await this.issuerCheck(issuerId(credential));
      const results: CheckResult[] = [
        await this.proofCheck(proof),
        issuerResult,
        statusCheck(reads.statusOf(i, facts)),
        validity(credential, now),
        shape(credential),
        vcdm(credential),
        await this.ledgerCheck(reads.recordOf(i, facts), () => proof.presentedDigest ?? presentedDigest(input, canonicalize) ?? ''),
      ];
      return report(results, summarise(credential, proof.suite ?? 'unknown', known), credential);
    }));
  }

  /** The bank and its institutions are known; an external issuer is trusted while on the trust list. */
  private async issuerCheck(id: string | undefined): Promise<{ check: CheckResult; known: boolean }> {
    const issuer = id ? await this.directory.byDid(id) : undefined;
    if (issuer) return { check: pass('issuer', `issuer ${issuer.did} is ${issuer.name.en}, known to the bank`), known: true };
    const external = id ? await this.trustList?.active(id) : undefined;
    if (external) {
      return { check: pass('issuer', `issuer ${id} is ${external.name.en}, on the bank's trust list (entry ${external.id}, since ${external.addedAt})`), known: true };
    }
    return { check: fail('issuer', 'unknown_issuer', `issuer ${id ?? '(none)'} is not on the bank's trust list`), known: false };
  }

  /**
   * The signature checks are the CPU-heavy part: with a worker pool they run there, given the
   * controller documents they may need (resolved here from the database; did:key needs none).
   */
  private async checkProofs(inputs: unknown[], jwts: (string | undefined)[], loader: DocumentLoader, now: Date): Promise<PresentedProof[]> {
    // Only what could be a credential goes to the threads; the rest is answered here as malformed.
    const pooled = inputs.map((x, i) => this.pool?.verifyProofs !== undefined && ((typeof x === 'object' && x !== null) || jwts[i] !== undefined));
    const documents: Record<string, JsonObject> = {};
    for (const url of new Set(inputs.flatMap((x, i) => (pooled[i] ? controllersOf(x, jwts[i]) : [])))) {
      if (url.startsWith('did:key:')) continue;
      try { documents[url] = (await loader(url)).document as JsonObject; } catch { /* the worker reports KEY_NOT_FOUND */ }
    }
    const inPool = inputs.filter((_, i) => pooled[i]);
    const fromPool = inPool.length > 0 ? await this.pool!.verifyProofs!(inPool, documents, now) : [];
    let next = 0;
    return Promise.all(inputs.map((x, i) => (pooled[i] ? fromPool[next++]! : verifyCredentialProof(x, { documentLoader: loader, now }))));
  }

  private async proofCheck(proof: ProofVerification): Promise<CheckResult> {
    const vm = proof.verificationMethod;
    // A revoked key has left assertionMethod, so its proofs fail; only then ask the registry why.
    const key = vm && !proof.verified ? await this.directory.keyForVerificationMethod(vm) : undefined;
    if (key?.status === 'revoked') {
      return fail('proof', 'key_revoked', `signing key ${vm} was revoked on ${key.revokedAt?.toISOString()}: ${key.revocationReason ?? 'no reason given'}`);
    }
    if (proof.verified) return pass('proof', `${proof.suite} proof by ${vm} is valid`);
    const e = proof.errors[0];
    return fail('proof', (e?.code ?? 'invalid_proof').toLowerCase(), e?.message ?? 'proof did not verify');
  }

  /** The status list positions a credential's entries name, in order; entries that are not ours need no read. */
  private statusAsks(c: JsonObject): StatusAsk[] {
    return statusEntries(c).map((e) => {
      const url = String(e.statusListCredential);
      const listId = this.lists.localListId(url);
      const raw = String(e.statusListIndex);
      const index = /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
      return { purpose: String(e.statusPurpose), url, ...(listId && UUID.test(listId) ? { listId, index } : {}), local: listId !== undefined };
    });
  }

  private async ledgerCheck(row: IssuedRecord | undefined, presented: () => string): Promise<CheckResult> {
    if (!row) return skip('ledger', 'not_ours', 'not issued by this bank, so not in its ledger');
    if (row.entry_id === null || row.body_digest === null || row.recorded_at === null) return fail('ledger', 'ledger_missing', 'no credential.issued entry in the ledger');
    const digest = eventBodyDigest(issuedEventBody(row, presented()));
    if (digest !== row.body_digest) return fail('ledger', 'ledger_mismatch', 'the presented credential differs from the one recorded in the ledger');
    const recorded = `recorded in the ledger on ${row.recorded_at.toISOString()}`;
    if (!this.proofs) return pass('ledger', recorded);
    if (row.leaf_index === null) return skip('ledger', 'ledger_pending', pendingMessage(recorded)); // not integrated: nothing to fetch
    const j = await this.proofs.judge(Number(row.entry_id), digest);
    if (!j.ok) return fail('ledger', 'ledger_proof_invalid', `inclusion proof does not hold: ${j.reason}`);
    if (j.proof.state === 'pending') return skip('ledger', 'ledger_pending', pendingMessage(recorded));
    return pass('ledger', `${recorded}; inclusion proof verified: leaf ${j.proof.leafIndex} of the signed tree of size ${j.proof.treeHead.treeSize}`);
  }

  /** The inclusion proof of a credential's credential.issued entry (for GET /credentials/{id}/ledger-proof). */
  async ledgerProof(credentialId: string): Promise<LedgerProof & { credentialId: string }> {
    const row = /^[0-9a-f-]{36}$/i.test(credentialId) ? await repo.findCredential(this.db, credentialId) : undefined;
    const entry = row && this.proofs ? await repo.findIssuedEntry(this.db, row.id) : undefined;
    if (!row || !entry || !this.proofs) throw notFound('credential', credentialId);
    return { credentialId, ...(await this.proofs.proofFor(entry.id)) };
  }
}

const pendingMessage = (recorded: string) => `${recorded}; awaiting a signed tree head, so no inclusion proof yet (normally seconds)`;

/** Controller URLs a proof may need: the issuer and the verification method's controller. */
function controllersOf(input: unknown, jwt: string | undefined): string[] {
  if (jwt) {
    let kid: unknown;
    try { kid = decodeProtectedHeader(jwt).kid; } catch { return []; }
    const c = unverifiedPayload(jwt);
    // A kid that is not a string names no controller (the proof check fails it as malformed).
    return [...new Set([typeof kid === 'string' ? kid.split('#')[0] : undefined, c ? issuerId(c) : undefined].filter((x): x is string => !!x))];
  }
  const c = input as JsonObject;
  const proofs = Array.isArray(c.proof) ? c.proof : [c.proof];
  const vms = proofs.map((p) => (p as JsonObject | undefined)?.verificationMethod).filter((v): v is string => typeof v === 'string').map((v) => v.split('#')[0]!);
  return [...new Set([...vms, issuerId(c)].filter((x): x is string => !!x))];
}

function unverifiedPayload(jwt: string): JsonObject | undefined {
  try { return credentialFromPayload(decodeJwt(jwt) as JsonObject).credential; } catch { return undefined; }
}

function validity(c: JsonObject, now: Date): CheckResult {
  const state = validityAt(c, now);
  if (state === 'expired') return fail('validity', 'expired', `expired at ${String(c.validUntil ?? c.expirationDate)}`);
  if (state === 'not-yet-valid') return fail('validity', 'not_yet_valid', `valid only from ${String(c.validFrom ?? c.issuanceDate)}`);
  return pass('validity', 'within its validity period');
}

function shape(c: JsonObject): CheckResult {
  const problems = checkEducationCredential(c);
  if (!isOpenBadgeLike(c)) return skip('shape', 'not_open_badge', 'not an Open Badges / CLR credential');
  if (problems.length === 0) return pass('shape', 'Open Badges 3.0 / CLR 2.0 shape is complete');
  return fail('shape', 'invalid_shape', problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; '));
}

function vcdm(c: JsonObject): CheckResult {
  const problems = checkVcdm(c, { acceptV1: true });
  if (problems.length === 0) return pass('vcdm', 'VC Data Model rules hold');
  return fail('vcdm', 'vcdm_violation', problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; '));
}
