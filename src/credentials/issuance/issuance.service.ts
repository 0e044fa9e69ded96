import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Actor } from '../../auth/principal.js';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import type { Db } from '../../db/database.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import type { JsonObject } from '../core/did-key.js';
import type { SignedCredential } from '../core/suites.js';
import type { Issuer, IssuerDirectory } from '../issuers/issuer-directory.js';
import type { StatusListService, StatusSlot } from '../status/status-lists.service.js';
import type { CredentialSigner } from '../workers/signing-pool.js';
import * as repo from './credentials.repository.js';

export interface IssueRequest {
  issuer: Issuer;
  /** The unsigned credential; `id`, `validFrom` and `credentialStatus` are filled in here. */
  credential: JsonObject;
  format: CredentialFormat;
  learnerId: string | null;
  kind: string;
  /** Natural key: same learner + issuer + key + format returns the first credential. */
  issuanceKey: string;
  sourceIds?: string[];
  suspendable?: boolean;
}

export interface IssuedCredential { id: string; created: boolean; row: repo.CredentialRow; verifiableCredential: SignedCredential }

/** The stored form and its digest: the JWT text, or the RFC 8785 form of the signed JSON. */
export function storedDigest(row: { jwt: string | null; document: unknown }): string {
  const text = row.jwt ?? canonicalize(row.document) ?? '';
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The ledger body of credential.issued, rebuildable from the credentials row. */
export function issuedEventBody(row: repo.CredentialRow): JsonObject {
  return {
    credentialId: row.id, issuer: row.issuer_did, keyId: row.key_id, format: row.format, kind: row.kind,
    documentDigest: storedDigest(row), sourceIds: row.source_ids,
    status: { revocation: [row.revocation_list_id, row.revocation_index], suspension: row.suspension_list_id ? [row.suspension_list_id, row.suspension_index] : null },
  };
}

export const signedForm = (row: repo.CredentialRow): SignedCredential => row.jwt ?? (row.document as JsonObject);

/**
 * Issues credentials: reserves status list indexes, signs (in the worker pool), then stores the
 * credential, its audit line and its `credential.issued` ledger entry in one transaction.
 * Signing happens outside the transaction so no lock is held while the CPU works; a lost race
 * on the natural key leaves an unused status index, which is harmless.
 */
export class IssuanceService {
  constructor(
    private readonly db: Db,
    private readonly directory: IssuerDirectory,
    private readonly status: StatusListService,
    private readonly signer: CredentialSigner,
    private readonly ledger: LedgerWriter,
    private readonly now: () => Date,
  ) {}

  async exists(id: string): Promise<boolean> {
    return (await repo.findCredential(this.db, id)) !== undefined;
  }

  /** The stored credential (signed form) by row id. */
  async stored(id: string): Promise<repo.CredentialRow | undefined> {
    return /^[0-9a-f-]{36}$/i.test(id) ? repo.findCredential(this.db, id) : undefined;
  }

  forLearner(learnerId: string): Promise<repo.CredentialRow[]> {
    return repo.listForLearner(this.db, learnerId);
  }

  async issue(req: IssueRequest, actor: Actor): Promise<IssuedCredential> {
    return (await this.issueMany([req], actor))[0]!;
  }

  /** Issues many credentials: signatures are spread over the worker pool, rows stored per learner. */
  async issueMany(reqs: IssueRequest[], actor: Actor): Promise<IssuedCredential[]> {
    const results: (IssuedCredential | undefined)[] = await Promise.all(reqs.map((r) => this.existing(r)));
    const todo = reqs.map((r, i) => ({ r, i })).filter(({ i }) => results[i] === undefined);
    if (todo.length === 0) return results as IssuedCredential[];
    const prepared = await Promise.all(todo.map(({ r }) => this.prepare(r)));
    const signed = await this.signer.signMany(prepared.map((p) => ({ credential: p.credential, req: { suite: p.req.format, key: p.key, now: p.now } })));
    for (const [n, p] of prepared.entries()) results[todo[n]!.i] = await this.store(p, signed[n]!, actor);
    return results as IssuedCredential[];
  }

  private async existing(r: IssueRequest): Promise<IssuedCredential | undefined> {
    const row = await repo.findByIssuanceKey(this.db, r.learnerId, r.issuer.ref, r.issuanceKey, r.format);
    return row ? { id: row.id, created: false, row, verifiableCredential: signedForm(row) } : undefined;
  }

  private async prepare(req: IssueRequest) {
    const now = this.now();
    const id = randomUUID();
    const key = await this.directory.signingKey(req.issuer);
    const slots: StatusSlot[] = [await this.status.allocate(req.issuer, 'revocation')];
    if (req.suspendable) slots.push(await this.status.allocate(req.issuer, 'suspension'));
    const credential: JsonObject = {
      ...req.credential,
      id: `urn:uuid:${id}`,
      validFrom: req.credential.validFrom ?? now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      credentialStatus: slots.map((s) => s.entry),
    };
    return { req, id, key, slots, credential, now };
  }

  private async store(p: Awaited<ReturnType<IssuanceService['prepare']>>, signed: SignedCredential, actor: Actor): Promise<IssuedCredential> {
    const { req, slots } = p;
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.insertCredential(trx, {
        learner_id: req.learnerId, id: p.id, issuer_ref: req.issuer.ref, issuer_did: req.issuer.did, key_id: p.key.id,
        format: req.format, kind: req.kind, issuance_key: req.issuanceKey,
        document: typeof signed === 'string' ? null : JSON.stringify(signed), jwt: typeof signed === 'string' ? signed : null,
        source_ids: req.sourceIds ?? [], revocation_list_id: slots[0]!.listId, revocation_index: slots[0]!.index,
        suspension_list_id: slots[1]?.listId ?? null, suspension_index: slots[1]?.index ?? null,
        valid_from: new Date(String(p.credential.validFrom)),
        valid_until: typeof p.credential.validUntil === 'string' ? new Date(p.credential.validUntil) : null,
        status_reason: null, issued_at: p.now,
      });
      if (!row) {
        const winner = (await repo.findByIssuanceKey(trx, req.learnerId, req.issuer.ref, req.issuanceKey, req.format))!;
        return { id: winner.id, created: false, row: winner, verifiableCredential: signedForm(winner) };
      }
      await recordWrite(trx, actor, { action: 'credential.issue', resourceType: 'credential', resourceId: row.id, learnerId: req.learnerId, institutionId: req.issuer.ref === 'bank' ? null : req.issuer.ref, detail: { format: row.format, kind: row.kind } }, p.now);
      await this.ledger.append(trx, { eventType: 'credential.issued', actor, learnerId: req.learnerId, resourceType: 'credential', resourceId: row.id, body: issuedEventBody(row), at: p.now });
      return { id: row.id, created: true, row, verifiableCredential: signed };
    });
  }
}
