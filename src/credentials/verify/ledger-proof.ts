import { checkInclusion } from '../../ledger/audit/check-inclusion.js';
import type { InclusionAnswer } from '../../ledger/ledger.service.js';
import { LRUCache } from 'lru-cache';
import { verifyTreeHead, type KeyResolver, type SignedTreeHead, type TreeHeadCheck } from '../../ledger/merkle/index.js';
import { resolverFromJwks, type LedgerJwk } from '../../ledger/tree-head-keys.js';

/** What the credentials domain needs from the ledger service (inclusion proofs and the head-signing keys). */
export interface LedgerProofSource {
  inclusionFor(entryId: number): Promise<InclusionAnswer | undefined>;
  jwks(): Promise<{ keys: LedgerJwk[] }>;
}

/**
 * A credential's place in the ledger: `included` with an inclusion proof against a signed tree
 * head, or `pending` while its entry awaits integration (a normal state for a few seconds, not a failure).
 */
export type LedgerProof =
  | { state: 'included'; entryId: number; leafIndex: number; proof: InclusionAnswer['proof']; entry: InclusionAnswer['entry']; treeHead: NonNullable<InclusionAnswer['treeHead']> }
  | { state: 'pending'; entryId: number };

export type ProofJudgement = { ok: true; proof: LedgerProof } | { ok: false; reason: string };

/**
 * Fetches the inclusion proof of a credential.issued entry and checks it the way an outside
 * auditor would (pure verifiers of src/ledger/merkle): the bank's signature on the tree head,
 * then the RFC 9162 path from the recomputed leaf to the signed root. The head-signing keys are
 * kept briefly: rotation is rare and a new key appears within TTL_MS.
 */
export class LedgerProofs {
  #keys: { at: number; resolve: Promise<KeyResolver> } | undefined;
  static readonly TTL_MS = 5_000;
  // Signed heads whose signature verified, by their exact fields (signature included); a head that
  // differs in any byte is checked afresh. Key ids are never reused for other key material.
  readonly #goodHeads = new LRUCache<string, TreeHeadCheck & { ok: true }>({ max: 1_000 });

  constructor(private readonly ledger: LedgerProofSource) {}

  async proofFor(entryId: number): Promise<LedgerProof> {
    const answer = await this.ledger.inclusionFor(entryId);
    if (!answer || !answer.treeHead) return { state: 'pending', entryId };
    return { state: 'included', entryId, leafIndex: answer.entry.index, proof: answer.proof, entry: answer.entry, treeHead: answer.treeHead };
  }

  /** The proof, checked; `expectedDigest` is the body digest the credential in hand implies. */
  async judge(entryId: number, expectedDigest: string): Promise<ProofJudgement> {
    const proof = await this.proofFor(entryId);
    if (proof.state === 'pending') return { ok: true, proof };
    if (proof.entry.bodyDigest !== expectedDigest) return { ok: false, reason: 'the entry in the tree records another credential' };
    const checkHead = (h: SignedTreeHead, resolve: KeyResolver) => this.checkHead(h, resolve);
    let check = await checkInclusion(proof.entry, proof.proof, proof.treeHead, await this.resolver(), checkHead);
    if (!check.ok && check.reason.includes('unknown key')) {
      this.#keys = undefined; // a head signed by a key newer than our copy of the key set
      check = await checkInclusion(proof.entry, proof.proof, proof.treeHead, await this.resolver(), checkHead);
    }
    return check.ok ? { ok: true, proof } : { ok: false, reason: check.reason };
  }

  /** verifyTreeHead, remembered for heads that passed (a head is immutable once signed). */
  async checkHead(head: SignedTreeHead, resolve: KeyResolver): Promise<TreeHeadCheck> {
    const key = JSON.stringify([head.treeSize, head.rootHash, head.timestamp, head.kid, head.signature]);
    const hit = this.#goodHeads.get(key);
    if (hit) return hit;
    const check = await verifyTreeHead(head, resolve);
    if (check.ok) this.#goodHeads.set(key, check);
    return check;
  }

  private resolver(): Promise<KeyResolver> {
    if (this.#keys && Date.now() - this.#keys.at < LedgerProofs.TTL_MS) return this.#keys.resolve;
    const resolve = this.ledger.jwks().then((jwks) => resolverFromJwks(jwks) as KeyResolver);
    this.#keys = { at: Date.now(), resolve };
    resolve.catch(() => { this.#keys = undefined; });
    return resolve;
  }
}
