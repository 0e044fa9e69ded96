import type { Actor } from '../auth/principal.js';
import { assertActsForInstitution } from '../auth/policy.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db } from '../db/database.js';
import { decodeCursor, toPage, type Page } from '../db/pagination.js';
import { AppError, badRequest, notFound } from '../errors.js';
import type { FrameworkService } from '../frameworks/frameworks.service.js';
import type { InstitutionService } from '../institutions/institutions.service.js';
import * as repo from './catalogue.repository.js';
import { listItems } from './catalogue-list.repository.js';
import type { CatalogueItemInput, CatalogueQuery } from './catalogue.schemas.js';
import { newPublishState, publishChunk, type LineResult, type PublishDeps } from './catalogue-publish.js';
import { ndjsonLines, parseLine } from './catalogue-ndjson.js';
import { toItem } from './catalogue-rows.js';
import { queryTerms } from './catalogue-search.js';
import { CatalogueStatistics } from './catalogue-statistics.js';
import type { CatalogueItem } from './catalogue.types.js';

/** Lines decided and written together: one transaction and one multi-row insert per chunk. */
export const BATCH_CHUNK = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BatchSummary { lines: number; accepted: number; existing: number; rejected: number }

export class CatalogueService {
  private readonly statistics: CatalogueStatistics;

  constructor(private readonly db: Db, private readonly frameworks: FrameworkService,
    private readonly institutions: InstitutionService, private readonly now: () => Date) {
    this.statistics = new CatalogueStatistics(db);
  }

  async get(id: string): Promise<CatalogueItem> {
    const row = UUID.test(id) ? await repo.findItem(this.db, id) : undefined;
    if (!row) throw notFound('catalogue_item', id);
    return toItem(row);
  }

  /** The items that exist among `ids` (missing ids are simply absent), in no particular order. */
  async getMany(ids: string[]): Promise<CatalogueItem[]> {
    return (await repo.findItems(this.db, [...new Set(ids.filter((i) => UUID.test(i)))])).map(toItem);
  }

  /** An item with every version of its code and, for a micro-major, its component items. */
  async detail(id: string) {
    const item = await this.get(id);
    const versions = (await repo.versionsOf(this.db, item.institutionId, item.code)).map((v) => ({
      id: v.id, version: v.version, effectiveFrom: v.effective_from, effectiveTo: v.effective_to,
      retiredAt: v.retired_at?.toISOString() ?? null, createdAt: v.created_at.toISOString(),
    }));
    const components = item.components ? await this.getMany(item.components) : null;
    const order = new Map((item.components ?? []).map((c, i) => [c, i]));
    components?.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return { item, versions, components };
  }

  private async deps(institutionId: string, actor: Actor): Promise<PublishDeps> {
    assertActsForInstitution(actor.principal, institutionId);
    await this.institutions.get(institutionId);
    return { db: this.db, snapshot: await this.frameworks.snapshot(), now: this.now(), actor, institutionId };
  }

  /** Publishes one item (or a new version). Same content again returns the existing item. */
  async publish(institutionId: string, input: CatalogueItemInput, actor: Actor): Promise<{ item: CatalogueItem; created: boolean }> {
    const d = await this.deps(institutionId, actor);
    const [r] = await publishChunk(d, newPublishState(), [{ line: 1, input }]);
    if (r!.status === 'rejected') {
      const status = r!.problem === 'catalogue_version_conflict' ? 409 : 422;
      const errors = r!.errors!.map((e) => ({ pointer: `/body${e.pointer === '/' ? '' : e.pointer}`, message: e.message }));
      throw new AppError(status, r!.problem!, errors.map((e) => e.message).join('; '), { errors });
    }
    if (r!.status === 'accepted') await this.statistics.inserted(1);
    return { item: await this.get(r!.id!), created: r!.status === 'accepted' };
  }

  /** Publishes an NDJSON stream line by line, in chunks; every line gets a result. */
  async publishBatch(institutionId: string, body: AsyncIterable<Buffer | string>, limit: number, actor: Actor): Promise<{ summary: BatchSummary; results: LineResult[] }> {
    const d = await this.deps(institutionId, actor);
    const state = newPublishState();
    const results: LineResult[] = [];
    let chunk: { line: number; input: CatalogueItemInput }[] = [];
    const flush = async () => {
      if (chunk.length > 0) results.push(...await publishChunk(d, state, chunk));
      chunk = [];
    };
    for await (const { line, text } of ndjsonLines(body, limit)) {
      const parsed = parseLine(text);
      if ('problems' in parsed) {
        results.push({ line, status: 'rejected', code: parsed.code, problem: parsed.problems[0]!.code, errors: parsed.problems.map(({ pointer, message }) => ({ pointer, message })) });
        continue;
      }
      chunk.push({ line, input: parsed.input });
      if (chunk.length >= BATCH_CHUNK) await flush();
    }
    await flush();
    results.sort((a, b) => a.line - b.line);
    const count = (s: LineResult['status']) => results.filter((r) => r.status === s).length;
    await this.statistics.inserted(count('accepted'));
    return { summary: { lines: results.length, accepted: count('accepted'), existing: count('existing'), rejected: count('rejected') }, results };
  }

  /** 退出: no new deposits against this version; existing records and credentials are untouched. */
  async retire(id: string, reason: string, actor: Actor): Promise<CatalogueItem> {
    const current = await this.get(id);
    assertActsForInstitution(actor.principal, current.institutionId);
    if (current.retiredAt !== null) return current;
    return this.db.transaction().execute(async (trx) => {
      const at = this.now();
      const row = await repo.retireItem(trx, id, at, reason);
      if (!row) return this.get(id); // retired concurrently: same outcome
      await recordWrite(trx, actor, { action: 'catalogue.retire', resourceType: 'catalogue_item', resourceId: id, institutionId: current.institutionId, detail: { reason } }, at);
      return toItem(row);
    });
  }

  async list(q: CatalogueQuery): Promise<Page<CatalogueItem>> {
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor, 2) as [string, string] | undefined;
    if (after && (typeof after[0] !== 'string' || typeof after[1] !== 'string' || !UUID.test(after[1]))) {
      throw badRequest('invalid_cursor', 'The cursor is not one this service issued', [{ pointer: '/query/cursor', message: 'invalid cursor' }]);
    }
    const rows = await listItems(this.db, {
      institution: q.institution, kind: q.kind, framework: q.framework, frameworkVersion: q.frameworkVersion, level: q.level,
      field: q.field, creditSystem: q.creditSystem, terms: q.q ? queryTerms(q.q) : [], includeRetired: q.includeRetired ?? false,
      allVersions: q.allVersions ?? false, after, limit,
    });
    return toPage(rows, limit, toItem, (r) => [r.code, r.id]);
  }
}
