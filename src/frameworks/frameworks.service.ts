import { fileURLToPath } from 'node:url';
import type { Actor } from '../auth/principal.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db, Executor } from '../db/database.js';
import { AppError, conflict } from '../errors.js';
import { checkFrameworkData, type LoadedFile } from './framework-checks.js';
import { FrameworkFileError, readFrameworkDir, toCreditSystem, validateDocument } from './framework-files.js';
import type { CreditSystemEntry, FrameworkFile, GradeConversionEntry, GradingSchemeEntry } from './framework-schema.js';
import { mergedFiles, planLoad, toSnapshot, type FrameworkSnapshot, type LoadPlan } from './framework-snapshot.service.js';
import { findEquivalents, type EquivalentsResult } from './level-equivalents.js';
import * as repo from './frameworks.repository.js';

/** The data shipped with the service; start-up loads it into a fresh database. */
export const BUNDLED_FRAMEWORKS_DIR = fileURLToPath(new URL('../../frameworks', import.meta.url));

export interface LoadSummary { added: { kind: string; key: string; source: string }[]; unchanged: number }

// A miss (unknown id) re-reads the database, so a version loaded through another instance becomes
// visible; the interval stops a stream of bad input from turning into a stream of reloads.
const MISS_REFRESH_MS = 1000;

const toAppError = (err: unknown): unknown => (err instanceof FrameworkFileError
  ? new AppError(422, 'invalid_framework_document', err.message, { cause: err, errors: [{ pointer: err.path || '/', message: err.detail }], extra: { file: err.file } })
  : err);

/**
 * Qualifications frameworks, credit systems, grading schemes, conversions, level mappings and
 * ISCED-F, held in the database by version and cached here (reference data: small, append-only).
 */
export class FrameworkService {
  #snapshot: FrameworkSnapshot | undefined;
  #refreshedAt = 0;

  constructor(private readonly db: Db, private readonly now: () => Date) {}

  async snapshot(): Promise<FrameworkSnapshot> {
    return this.#snapshot ?? this.refresh();
  }

  async refresh(): Promise<FrameworkSnapshot> {
    const [versions, entries] = await Promise.all([repo.listVersions(this.db), repo.listEntries(this.db)]);
    this.#refreshedAt = Date.now();
    this.#snapshot = toSnapshot(versions, entries);
    return this.#snapshot;
  }

  private async lookup<T>(find: (s: FrameworkSnapshot) => T | undefined): Promise<T | undefined> {
    const hit = find(await this.snapshot());
    if (hit !== undefined || Date.now() - this.#refreshedAt < MISS_REFRESH_MS) return hit;
    return find(await this.refresh());
  }

  /**
   * The snapshot, re-read first when it lacks something `covers` asks for (loaded through another
   * instance) and the last re-read is older than the miss interval.
   */
  async snapshotCovering(covers: (s: FrameworkSnapshot) => boolean): Promise<FrameworkSnapshot> {
    return (await this.lookup((s) => (covers(s) ? s : undefined))) ?? this.snapshot();
  }

  /** Loads every file of a directory (default: the bundled data). Same key + same content is a no-op. */
  async loadDirectory(dir: string, actor: Actor): Promise<LoadSummary> {
    let files: LoadedFile[];
    try {
      files = readFrameworkDir(dir, { crossCheck: false });
    } catch (err) {
      throw toAppError(err);
    }
    return this.load(files, actor, dir);
  }

  /** Loads one posted document of any kind (framework, credit-systems, level-mappings, ...). */
  async loadDocument(document: unknown, actor: Actor): Promise<LoadSummary> {
    let file: LoadedFile;
    try {
      file = validateDocument('request body', document);
    } catch (err) {
      throw toAppError(err);
    }
    return this.load([file], actor, 'api');
  }

  private async load(files: LoadedFile[], actor: Actor, origin: string): Promise<LoadSummary> {
    const plan = planLoad(files);
    const summary = await this.db.transaction().execute(async (trx) => {
      const fresh = await this.withoutUnchanged(trx, plan);
      const [versions, entries] = await Promise.all([repo.listVersions(trx), repo.listEntries(trx)]);
      try {
        checkFrameworkData(mergedFiles(versions, entries, plan, files), (file, path, detail) => new FrameworkFileError(file, path, detail));
      } catch (err) {
        throw toAppError(err);
      }
      const at = this.now();
      await repo.insertVersions(trx, fresh.versions.map((v) => ({ id: v.id, version: v.version, kind: v.kind, document: JSON.stringify(v.document), content_hash: v.hash, source: v.source, loaded_at: at })));
      await repo.insertEntries(trx, fresh.entries.map((e) => ({ kind: e.kind, key: e.key, document: JSON.stringify(e.document), content_hash: e.hash, source: e.source, loaded_at: at })));
      const added = [...fresh.versions.map((v) => ({ kind: v.kind, key: `${v.id}@${v.version}`, source: v.source })),
        ...fresh.entries.map((e) => ({ kind: e.kind, key: e.key, source: e.source }))];
      if (added.length > 0) {
        await recordWrite(trx, actor, { action: 'frameworks.load', resourceType: 'frameworks', resourceId: origin, detail: { added: added.map((a) => `${a.kind}:${a.key}`) } }, at);
      }
      return { added, unchanged: plan.versions.length + plan.entries.length - added.length };
    });
    if (summary.added.length > 0) await this.refresh();
    return summary;
  }

  // Same key + same content: skip. Same key + other content: refuse, naming the file.
  private async withoutUnchanged(trx: Executor, plan: LoadPlan): Promise<LoadPlan> {
    const vh = await repo.versionHashes(trx, plan.versions);
    const eh = await repo.entryHashes(trx, plan.entries);
    for (const v of plan.versions) {
      const h = vh.get(`${v.id}@${v.version}`);
      if (h !== undefined && h !== v.hash) {
        throw conflict('framework_version_conflict', `${v.source}${v.pointer}: ${v.kind} ${v.id} version ${v.version} is already loaded with different content; give the changed document a new version`, { file: v.source });
      }
    }
    for (const e of plan.entries) {
      const h = eh.get(`${e.kind}:${e.key}`);
      if (h !== undefined && h !== e.hash) {
        throw conflict('framework_entry_conflict', `${e.source}${e.pointer}: ${e.kind} ${e.key} is already loaded with different content; loaded entries never change, use a new id`, { file: e.source });
      }
    }
    return {
      versions: plan.versions.filter((v) => !vh.has(`${v.id}@${v.version}`)),
      entries: plan.entries.filter((e) => !eh.has(`${e.kind}:${e.key}`)),
    };
  }

  /** Start-up check: the deployment's home framework and credit system must be loaded. */
  async assertHome(frameworkId: string, creditSystemId: string): Promise<void> {
    if (!(await this.framework(frameworkId))) throw new Error(`config: home framework "${frameworkId}" is not loaded (HOME_FRAMEWORK)`);
    if (!(await this.creditSystem(creditSystemId))) throw new Error(`config: home credit system "${creditSystemId}" is not loaded (HOME_CREDIT_SYSTEM)`);
  }

  /** A framework version; without `version`, the most recently loaded one. */
  framework(id: string, version?: string): Promise<FrameworkFile | undefined> {
    return this.lookup((s) => s.frameworks.filter((f) => f.id === id && (version === undefined || f.version === version)).at(-1));
  }

  async versionsOf(id: string): Promise<{ version: string; loadedAt: string }[]> {
    const s = await this.snapshot();
    return s.frameworks.filter((f) => f.id === id).map((f) => ({ version: f.version, loadedAt: s.loadedAt.get(`${f.id}@${f.version}`)!.toISOString() }));
  }

  async levelExists(id: string, version: string, level: number): Promise<boolean> {
    const fw = await this.framework(id, version);
    return fw !== undefined && Number.isInteger(level) && level >= 1 && level <= fw.levels.length;
  }

  creditSystem(id: string): Promise<CreditSystemEntry | undefined> {
    return this.lookup((s) => s.creditSystems.find((c) => c.id === id));
  }

  gradingScheme(id: string): Promise<GradingSchemeEntry | undefined> {
    return this.lookup((s) => s.gradingSchemes.find((g) => g.id === id));
  }

  gradeConversion(id: string): Promise<GradeConversionEntry | undefined> {
    return this.lookup((s) => s.gradeConversions.find((g) => g.id === id));
  }

  /** A broad (2-digit), narrow (3) or detailed (4) ISCED-F code of any loaded ISCED-F version. */
  async iscedCodeValid(code: string): Promise<boolean> {
    return (await this.lookup((s) => (s.iscedCodes.has(code) ? true : undefined))) === true;
  }

  /** Published equivalents of a level; undefined when the framework, version or level is unknown. */
  async equivalents(id: string, version: string, level: number): Promise<EquivalentsResult | undefined> {
    if (!(await this.levelExists(id, version, level))) return undefined;
    return findEquivalents(await this.snapshot(), id, version, level);
  }

  /** The arithmetic view of a credit system, or undefined when unknown or defined without hours. */
  async convertible(id: string) {
    const cs = await this.creditSystem(id);
    return cs?.hoursPerCredit ? toCreditSystem(cs) : undefined;
  }
}
