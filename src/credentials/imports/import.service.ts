import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from '../../auth/principal.js';
import { assertIsLearner } from '../../auth/policy.js';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import type { Insertable } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import type { CredentialImportsTable } from '../../db/tables/credentials.js';
import { decodeTimeIdCursor, toPage, type Page } from '../../db/pagination.js';
import { notFound } from '../../errors.js';
import { findLearner } from '../../learners/learners.repository.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import { viewOf } from '../../records/record-access.js';
import { importedBody } from '../ledger/event-bodies.js';
import type { TrustListService } from '../trust-list/trust-list.service.js';
import type { VerifierService } from '../verify/verifier.service.js';
import { ImportJudge } from './import-judge.js';
import { clrPartOriginals } from './clr-parts.js';
import { importItem, importMark, type ImportItem, type ImportMark } from './import-view.js';
import * as repo from './imports.repository.js';

/** An import as stored; a CLR also lists the imports of the credentials it bundles. */
export type ImportResult = ImportItem & { created: boolean; parts?: ImportMark[] };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Credentials a learner brings from elsewhere. The original is kept verbatim as evidence with how
 * it was verified; only a verified credential from an issuer the bank trusted at import time (its
 * own, or one on the trust list) counts for recognition. Trust is judged once: removing an issuer
 * from the trust list later stops new imports counting but does not rewrite earlier ones.
 */
export class ImportService {
  readonly #judge: ImportJudge;

  constructor(private readonly db: Db, verifier: VerifierService, private readonly trust: TrustListService, private readonly ledger: LedgerWriter,
    private readonly now: () => Date) {
    this.#judge = new ImportJudge(verifier, trust, now);
  }

  async import(learnerId: string, input: { credential: unknown; email?: string }, actor: Actor): Promise<ImportResult> {
    if (actor.principal.kind === 'learner') assertIsLearner(actor.principal, learnerId);
    if (!(await findLearner(this.db, learnerId))) throw notFound('learner', learnerId);
    const original = typeof input.credential === 'string' ? input.credential.trim() : JSON.stringify(input.credential);
    const digest = sha256(original);
    const existing = await repo.findByDigest(this.db, learnerId, digest);
    if (existing) return this.result(existing, false);
    const j = await this.#judge.judge(input.credential, input.email);
    const at = this.now();
    const id = randomUUID();
    const row = { learner_id: learnerId, id, digest, format: j.format, verification: j.verification, verified: j.verified, trusted_issuer: j.trusted,
      issuer: j.issuer, name: j.name, original, checks: JSON.stringify(j.checks), created_at: at, trust_entry_id: j.trustEntryId, part_of: null };
    const inserted = await this.db.transaction().execute(async (trx) => {
      // A concurrent import of the same credential: the first one wins, the other returns it.
      if (!(await this.insert(trx, row, actor, at))) return false;
      // A CLR's bundled credentials become imports of their own; one the learner already imported keeps its first judgement.
      const seen = new Set([digest]);
      for (const p of j.parts ?? []) {
        const partDigest = sha256(p.original);
        if (seen.has(partDigest)) continue;
        seen.add(partDigest);
        await this.insert(trx, { learner_id: learnerId, id: randomUUID(), digest: partDigest, format: p.format, verification: p.verification, verified: p.verified,
          trusted_issuer: p.trusted, issuer: p.issuer, name: p.name, original: p.original, checks: JSON.stringify(p.checks), created_at: at,
          trust_entry_id: p.trustEntryId, part_of: id }, actor, at);
      }
      return true;
    });
    const stored = inserted ? { ...row, checks: j.checks } : (await repo.findByDigest(this.db, learnerId, digest))!;
    return this.result(stored, inserted);
  }

  /** One import row with its audit line and credential.imported ledger entry; false when the learner already has that credential. */
  private async insert(trx: Executor, row: Insertable<CredentialImportsTable>, actor: Actor, at: Date): Promise<boolean> {
    const won = await trx.insertInto('credential_imports').values(row).onConflict((oc) => oc.columns(['learner_id', 'digest']).doNothing())
      .returning('id').executeTakeFirst();
    if (!won) return false;
    await recordWrite(trx, actor, { action: 'credential.import', resourceType: 'credential_import', resourceId: row.id, learnerId: row.learner_id,
      detail: { format: row.format, verified: row.verified, trustedIssuer: row.trusted_issuer, trustEntryId: row.trust_entry_id ?? null, ...(row.part_of ? { partOf: row.part_of } : {}) } }, at);
    await this.ledger.append(trx, { eventType: 'credential.imported', actor, learnerId: row.learner_id, resourceType: 'credential_import', resourceId: row.id,
      body: importedBody(row), at });
    return true;
  }

  /** The import as the learner sees it; a CLR with the imports of the credentials it bundles (each found by its digest). */
  private async result(row: repo.ImportRow, created: boolean): Promise<ImportResult> {
    const [item] = await this.items([row]);
    if (row.format !== 'clr') return { ...item!, created };
    const digests = clrPartOriginals(row.original).map(sha256);
    const byDigest = new Map((await repo.findByDigests(this.db, row.learner_id, digests)).map((r) => [r.digest, r]));
    const found = [...new Set(digests)].flatMap((d) => (byDigest.has(d) ? [byDigest.get(d)!] : []));
    const marks = await this.marks(found);
    return { ...item!, created, parts: marks };
  }

  /**
   * A learner's imports, newest first, under the record's access rule: the learner and operators
   * see all; an institution sees them only through a whole-record share (imports are deposited by
   * no institution and shares name achievements), otherwise an empty page marked partial.
   */
  async list(learnerId: string, q: { limit?: number; cursor?: string }, actor: Actor): Promise<Page<ImportItem> & { view: 'whole' | 'partial' }> {
    const view = await viewOf(this.db, actor.principal, learnerId, this.now());
    if (!(await findLearner(this.db, learnerId))) throw notFound('learner', learnerId);
    const limit = q.limit ?? 50;
    const before = decodeTimeIdCursor(q.cursor);
    if (view.kind === 'partial') return { items: [], nextCursor: null, view: 'partial' };
    const rows = await repo.importsOf(this.db, learnerId, { before: before ? [new Date(before[0]), before[1]] : undefined, limit });
    const page = toPage(rows, limit, (r) => r, (r) => [r.created_at.toISOString(), r.id]);
    return { items: await this.items(page.items), nextCursor: page.nextCursor, view: 'whole' };
  }

  /** Every import of a learner with its mark (for the record's transcript and export; the caller applies access). */
  /** Every import of a learner with its original (the record export). */
  async allFor(learnerId: string): Promise<ImportItem[]> {
    return this.items(await repo.allImportsOf(this.db, learnerId));
  }

  /** Every import of a learner as the transcript shows it: how it was judged, without the original. */
  async marksFor(learnerId: string): Promise<ImportMark[]> {
    const rows = await repo.importMarksOf(this.db, learnerId);
    return this.marks(rows);
  }

  private async marks(rows: repo.ImportMarkRow[]): Promise<ImportMark[]> {
    const entries = await this.trust.byIds(rows.flatMap((r) => (r.trust_entry_id ? [r.trust_entry_id] : [])));
    return rows.map((r) => importMark(r, entries));
  }

  private async items(rows: repo.ImportRow[]): Promise<ImportItem[]> {
    const entries = await this.trust.byIds(rows.flatMap((r) => (r.trust_entry_id ? [r.trust_entry_id] : [])));
    return rows.map((r) => importItem(r, entries));
  }
}
