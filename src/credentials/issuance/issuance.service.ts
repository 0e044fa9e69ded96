import { randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Actor } from '../../auth/principal.js';
import DataLoader from 'dataloader';
import { recordWrite, writesInsertion } from '../../audit-trail/audit-trail.repository.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import type { JsonObject } from '../core/did-key.js';
import type { IssuerKey } from '../core/keys.js';
import type { SignedCredential } from '../core/suites.js';
import { storedFormDigest } from '../core/stored-form.js';
import { BANK_REF, type Issuer, type IssuerDirectory } from '../issuers/issuer-directory.js';
import type { StatusListService, StatusSlot } from '../status/status-lists.service.js';
import { SAME_TURN, type CredentialSigner, type SignedItem } from '../workers/signing-pool.js';
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
  /** A UUID the caller chose for the credential (its id becomes urn:uuid:…); random when absent. */
  id?: string;
}

export interface IssuedCredential { id: string; created: boolean; row: repo.CredentialRow; verifiableCredential: SignedCredential }

/** The stored form and its digest: the JWT text, or the RFC 8785 form of the signed JSON. */
export function storedDigest(row: { jwt: string | null; document: unknown }): string {
  return storedFormDigest(row.jwt ?? (row.document as JsonObject), canonicalize);
}

/** The columns of a credentials row that its credential.issued body records, besides the document. */
export type IssuedBodyFields = Pick<repo.CredentialRow, 'id' | 'issuer_did' | 'key_id' | 'format' | 'kind' | 'source_ids'
  | 'revocation_list_id' | 'revocation_index' | 'suspension_list_id' | 'suspension_index'>;

/**
 * The ledger body of credential.issued, rebuildable from the credentials row. `documentDigest`
 * defaults to the stored form's; the verifier passes the presented form's instead (and so needs
 * neither the stored document nor a second canonicalisation).
 */
export function issuedEventBody(row: IssuedBodyFields & Partial<Pick<repo.CredentialRow, 'jwt' | 'document'>>,
  documentDigest = storedDigest({ jwt: row.jwt ?? null, document: row.document })): JsonObject {
  return {
    credentialId: row.id, issuer: row.issuer_did, keyId: row.key_id, format: row.format, kind: row.kind,
    documentDigest, sourceIds: row.source_ids,
    status: { revocation: [row.revocation_list_id, row.revocation_index], suspension: row.suspension_list_id ? [row.suspension_list_id, row.suspension_index] : null },
  };
}

export const signedForm = (row: repo.CredentialRow): SignedCredential => row.jwt ?? (row.document as JsonObject);

/**
 * Issues credentials: reserves status list indexes, signs (in the worker pool), then stores the
 * credential, its audit line and its `credential.issued` ledger entry in one statement.
 * Signing happens before that statement, so no lock is held while the CPU works; a lost race
 * on the natural key leaves an unused status index, which is harmless.
 */
export class IssuanceService {
  /**
   * Look-ups and stores of the same turn of the event loop (a batch's, and those of concurrent
   * requests) go to the database together: one statement for many natural keys, and one statement
   * per STORE_CHUNK credentials with their audit lines and ledger entries, each with its own actor.
   */
  readonly #existing = new DataLoader<IssueRequest, IssuedCredential | undefined>((reqs) => this.existingMany(reqs), SAME_TURN);
  readonly #stored = new DataLoader<StoreItem, IssuedCredential>((items) => this.storeTogether(items), { ...SAME_TURN, maxBatchSize: STORE_CHUNK });

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

  /**
   * Issues many credentials with a fixed number of statements per batch (not per credential):
   * one look-up of natural keys, one slot claim per status list touched, and per chunk of
   * STORE_CHUNK one statement inserting the credentials, their audit lines and ledger entries.
   */
  async issueMany(reqs: IssueRequest[], actor: Actor): Promise<IssuedCredential[]> {
    const results: (IssuedCredential | undefined)[] = await Promise.all(reqs.map((r) => this.#existing.load(r)));
    // Requests repeated within the call (same natural key) are issued once and share the answer:
    // with a caller-chosen id, two prepared copies would otherwise claim the same row.
    const firstOf = new Map<string, number>();
    const todo: { r: IssueRequest; i: number }[] = [];
    for (const [i, r] of reqs.entries()) {
      const key = naturalKey(r.learnerId, r.issuer.ref, r.issuanceKey, r.format);
      if (results[i] !== undefined || firstOf.has(key)) continue;
      firstOf.set(key, i);
      todo.push({ r, i });
    }
    if (todo.length === 0) return results as IssuedCredential[];
    const prepared = await this.prepareMany(todo.map(({ r }) => r));
    const signed = await this.signer.signMany(prepared.map((p) => ({ credential: p.credential, req: { suite: p.req.format, key: p.key, now: p.now } })));
    const stored = await Promise.all(prepared.map((p, n) => this.#stored.load({ prepared: p, signed: signed[n]!, actor })));
    for (const [k, s] of stored.entries()) results[todo[k]!.i] = s;
    return reqs.map((r, i) => results[i] ?? { ...results[firstOf.get(naturalKey(r.learnerId, r.issuer.ref, r.issuanceKey, r.format))!]!, created: false });
  }

  private async existingMany(reqs: readonly IssueRequest[]): Promise<(IssuedCredential | undefined)[]> {
    const rows = await repo.findByIssuanceKeys(this.db, reqs.map((r) => r.issuer.ref), reqs.map((r) => r.issuanceKey));
    const byKey = new Map(rows.map((row) => [naturalKey(row.learner_id, row.issuer_ref, row.issuance_key, row.format), row]));
    return reqs.map((r) => {
      const row = byKey.get(naturalKey(r.learnerId, r.issuer.ref, r.issuanceKey, r.format));
      return row ? { id: row.id, created: false, row, verifiableCredential: signedForm(row) } : undefined;
    });
  }

  /** Status slots claimed in bulk per issuer and purpose; one key look-up per issuer. */
  private async prepareMany(reqs: IssueRequest[]): Promise<Prepared[]> {
    const now = this.now();
    const slotsFor = async (purpose: 'revocation' | 'suspension', wanted: (r: IssueRequest) => boolean) => {
      const out = new Map<IssueRequest, StatusSlot>();
      for (const group of groupBy(reqs.filter(wanted), (r) => r.issuer.ref).values()) {
        const slots = await this.status.allocateMany(group[0]!.issuer, purpose, group.length);
        group.forEach((r, k) => out.set(r, slots[k]!));
      }
      return out;
    };
    const revocation = await slotsFor('revocation', () => true);
    const suspension = await slotsFor('suspension', (r) => r.suspendable === true);
    const keys = new Map<string, Promise<IssuerKey>>();
    for (const r of reqs) if (!keys.has(r.issuer.ref)) keys.set(r.issuer.ref, this.directory.signingKey(r.issuer));
    return Promise.all(reqs.map(async (req) => {
      const id = req.id ?? randomUUID();
      const slots = [revocation.get(req)!, ...(suspension.has(req) ? [suspension.get(req)!] : [])];
      const credential: JsonObject = {
        ...req.credential, id: `urn:uuid:${id}`,
        validFrom: req.credential.validFrom ?? now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        credentialStatus: slots.map((s) => s.entry),
      };
      return { req, id, key: await keys.get(req.issuer.ref)!, slots, credential, now };
    }));
  }

  /**
   * Stores items of several requests in one statement. Should that statement fail, each item is
   * stored alone, so that one request's bad item fails that request only.
   */
  private async storeTogether(items: readonly StoreItem[]): Promise<(IssuedCredential | Error)[]> {
    const rounds = apart(items);
    if (rounds.length > 1) {
      // Concurrent requests for one credential (same id or same natural key): one statement would
      // skip all but one row and could not tell whose it kept, so they go one round after another,
      // and the later ones find the stored credential as any lost race does.
      const out = new Map<StoreItem, IssuedCredential | Error>();
      for (const round of rounds) (await this.storeTogether(round)).forEach((r, n) => out.set(round[n]!, r));
      return items.map((x) => out.get(x)!);
    }
    try {
      return await this.storeMany(items);
    } catch (err) {
      if (items.length === 1) return [err instanceof Error ? err : new Error(String(err))];
      return Promise.all(items.map(async (x) => (await this.storeTogether([x]))[0]!));
    }
  }

  private async storeMany(items: readonly StoreItem[]): Promise<(IssuedCredential | Error)[]> {
    const inserts = items.map((x) => rowFor(x.prepared, x.signed.signed));
    // As stored: the same columns, the document as JSON (not its text), and the default status.
    const rows = inserts.map((row, n): repo.CredentialRow => {
      const signed = items[n]!.signed.signed;
      return { ...row, document: typeof signed === 'string' ? null : signed, status: 'active' };
    });
    // Every row's audit line and ledger entry are prepared; the statement writes those of the rows it
    // inserts. The stored form's digest came with the signature (computed where it was signed).
    const writes = rows.map((row, n) => ({
      actor: items[n]!.actor, at: row.issued_at,
      write: { action: 'credential.issue', resourceType: 'credential', resourceId: row.id, learnerId: row.learner_id,
        institutionId: row.issuer_ref === BANK_REF ? undefined : row.issuer_ref, detail: { format: row.format, kind: row.kind } },
    }));
    const events = rows.map((row, n) => ({
      eventType: 'credential.issued', actor: items[n]!.actor, learnerId: row.learner_id, resourceType: 'credential', resourceId: row.id,
      body: issuedEventBody(row, items[n]!.signed.storedDigest), at: row.issued_at,
    }));
    const ids = await repo.insertCredentialsLogged(this.db, inserts,
      [(insertedIds) => writesInsertion(writes, insertedIds), (insertedIds) => this.ledger.insertion(events, insertedIds)]);
    const lost = items.filter((x) => !ids.has(x.prepared.id));
    const winners = lost.length === 0 ? [] : await Promise.all(lost.map((x) => this.#existing.load(x.prepared.req)));
    return items.map((x, n) => {
      if (ids.has(x.prepared.id)) return { id: x.prepared.id, created: true, row: rows[n]!, verifiableCredential: x.signed.signed };
      // Lost on the id rather than the natural key: a caller-chosen id already names another credential.
      return winners[lost.indexOf(x)] ?? idConflict(x.prepared.id);
    });
  }
}

/** A signed credential waiting to be stored, with the actor of the request that issues it. */
type StoreItem = { prepared: Prepared; signed: SignedItem; actor: Actor };

/** Splits items into rounds in which no two share a credential id or a natural key (in order: the first of each goes first). */
function apart(items: readonly StoreItem[]): StoreItem[][] {
  const rounds: { items: StoreItem[]; taken: Set<string> }[] = [];
  for (const x of items) {
    const { req } = x.prepared;
    const marks = [`id:${x.prepared.id}`, naturalKey(req.learnerId, req.issuer.ref, req.issuanceKey, req.format)];
    let round = rounds.find((r) => !marks.some((m) => r.taken.has(m)));
    if (!round) rounds.push(round = { items: [], taken: new Set() });
    round.items.push(x);
    for (const m of marks) round.taken.add(m);
  }
  return rounds.map((r) => r.items);
}

const STORE_CHUNK = 200;

/** A caller-chosen credential id that already names a different credential. */
export function idConflict(id: string, pointer?: string): AppError {
  const message = `credential.id urn:uuid:${id} already names a different credential; send a new id, or the same content to get that credential back`;
  return new AppError(409, 'credential_id_conflict', message, pointer ? { errors: [{ pointer, message }] } : {});
}

type Prepared = { req: IssueRequest; id: string; key: IssuerKey; slots: StatusSlot[]; credential: JsonObject; now: Date };

const naturalKey = (learnerId: string | null, issuerRef: string, issuanceKey: string, format: string) =>
  JSON.stringify([learnerId, issuerRef, issuanceKey, format]);

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const group = m.get(k);
    if (group) group.push(t); else m.set(k, [t]);
  }
  return m;
}

function rowFor(p: Prepared, signed: SignedCredential) {
  const { req, slots } = p;
  return {
    learner_id: req.learnerId, id: p.id, issuer_ref: req.issuer.ref, issuer_did: req.issuer.did, key_id: p.key.id,
    format: req.format, kind: req.kind, issuance_key: req.issuanceKey,
    document: typeof signed === 'string' ? null : JSON.stringify(signed), jwt: typeof signed === 'string' ? signed : null,
    source_ids: req.sourceIds ?? [], revocation_list_id: slots[0]!.listId, revocation_index: slots[0]!.index,
    suspension_list_id: slots[1]?.listId ?? null, suspension_index: slots[1]?.index ?? null,
    valid_from: new Date(String(p.credential.validFrom)),
    valid_until: typeof p.credential.validUntil === 'string' ? new Date(p.credential.validUntil) : null,
    status_reason: null, issued_at: p.now,
  };
}
