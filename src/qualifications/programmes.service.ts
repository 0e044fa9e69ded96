import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import canonicalize from 'canonicalize';
import { LRUCache } from 'lru-cache';
import { Compile } from 'typebox/compile';
import type { Actor } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db } from '../db/database.js';
import { AppError, conflict, invalidField, notFound } from '../errors.js';
import type { InstitutionService } from '../institutions/institutions.service.js';
import { loadProgrammeFile } from './audit/programme-file.js';
import { ProgrammeFileError, parseProgramme } from './audit/programme-schema.js';
import type { Programme } from './audit/programme.js';
import { assertAwarding } from './awarding-access.js';
import { EMPTY_MAPPING, ProgrammeMapping } from './programme-mapping.js';
import * as repo from './programmes.repository.js';

export const BUNDLED_PROGRAMMES_DIR = fileURLToPath(new URL('../../frameworks/programmes', import.meta.url));

export interface ProgrammeVersion {
  programmeId: string; version: string; seq: number; awardingInstitution: string; name: Programme['name'];
  programme: Programme; mapping: ProgrammeMapping; digest: string; origin: string; createdAt: string;
}

export function toProgrammeVersion(r: repo.ProgrammeVersionRow): ProgrammeVersion {
  const programme = r.document as Programme;
  return {
    programmeId: r.programme_id, version: r.version, seq: r.seq, awardingInstitution: r.awarding_institution, name: programme.name,
    programme, mapping: r.mapping as ProgrammeMapping, digest: r.digest, origin: r.origin, createdAt: r.created_at.toISOString(),
  };
}

const mappingCheck = Compile(ProgrammeMapping);
const digestOf = (programme: Programme, mapping: ProgrammeMapping) =>
  createHash('sha256').update(canonicalize({ programme, mapping }) ?? '', 'utf8').digest('hex');

/** Programme requirement sets as versioned reference data (one row per version, never changed). */
export class ProgrammeService {
  readonly #versions = new LRUCache<string, ProgrammeVersion>({ max: 500 });

  constructor(private readonly db: Db, private readonly institutions: InstitutionService, private readonly now: () => Date) {}

  /** Loads the shipped programme files; a version already loaded with the same content is a no-op. */
  async loadBundled(actor: Actor, dir = BUNDLED_PROGRAMMES_DIR): Promise<string[]> {
    const added: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const programme = await loadProgrammeFile(join(dir, name));
      const { created } = await this.store(programme, EMPTY_MAPPING, 'bundled', actor, name);
      if (created) added.push(`${programme.id}@${programme.version}`);
    }
    return added;
  }

  /** An awarding institution publishes a version of one of its programmes. */
  async publish(institutionId: string, body: { programme: unknown; mapping?: unknown }, actor: Actor): Promise<{ version: ProgrammeVersion; created: boolean }> {
    const institution = await this.institutions.get(institutionId);
    let programme: Programme;
    try {
      programme = parseProgramme(body.programme, 'request body');
    } catch (err) {
      if (!(err instanceof ProgrammeFileError)) throw err;
      throw new AppError(422, 'invalid_programme', err.message, { cause: err, errors: [{ pointer: `/body/programme${err.path}`, message: err.reason }] });
    }
    const mapping = (body.mapping ?? EMPTY_MAPPING) as ProgrammeMapping;
    if (!mappingCheck.Check(mapping)) {
      const e = mappingCheck.Errors(mapping)[0];
      throw invalidField(`/body/mapping${e?.instancePath ?? ''}`, 'invalid_programme_mapping', e?.message ?? 'invalid mapping');
    }
    if (programme.awardingInstitution !== institution.slug) {
      throw invalidField('/body/programme/awardingInstitution', 'awarding_institution_mismatch', `awardingInstitution must be this institution's slug (${institution.slug})`);
    }
    const latest = await repo.latestVersion(this.db, programme.id);
    if (latest && latest.awarding_institution !== institution.slug) {
      throw conflict('programme_of_other_institution', `Programme ${programme.id} belongs to ${latest.awarding_institution}`);
    }
    return this.store(programme, mapping, 'api', actor, 'request body');
  }

  private async store(programme: Programme, mapping: ProgrammeMapping, origin: string, actor: Actor, source: string) {
    const digest = digestOf(programme, mapping);
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await repo.findVersion(this.db, programme.id, programme.version);
      if (existing) {
        if (existing.digest === digest) return { version: toProgrammeVersion(existing), created: false };
        throw conflict('programme_version_exists', `${source}: programme ${programme.id} version ${programme.version} is already published with other content; publish a new version`);
      }
      const inserted = await this.db.transaction().execute(async (trx) => {
        const seq = ((await repo.latestVersion(trx, programme.id))?.seq ?? 0) + 1;
        const at = this.now();
        const ok = await repo.insertVersion(trx, {
          programme_id: programme.id, version: programme.version, seq, awarding_institution: programme.awardingInstitution,
          name_en: programme.name.en, document: JSON.stringify(programme), mapping: JSON.stringify(mapping), digest, origin,
          created_by: actorOf(actor.principal), created_at: at,
        });
        if (ok) await recordWrite(trx, actor, { action: 'programme.publish', resourceType: 'programme_version', resourceId: `${programme.id}@${programme.version}`, detail: { digest, origin } }, at);
        return ok;
      });
      if (inserted) return { version: toProgrammeVersion((await repo.findVersion(this.db, programme.id, programme.version))!), created: true };
    }
    throw conflict('programme_publish_race', 'Another version of this programme was being published; retry');
  }

  async list(awarding?: string): Promise<ProgrammeVersion[]> {
    return (await repo.latestVersions(this.db, awarding)).map(toProgrammeVersion);
  }

  async versions(programmeId: string): Promise<ProgrammeVersion[]> {
    const rows = await repo.versionsOf(this.db, programmeId);
    if (rows.length === 0) throw notFound('programme', programmeId);
    return rows.map(toProgrammeVersion);
  }

  /** A named version comes from memory when seen before: published versions never change. */
  async version(programmeId: string, version?: string): Promise<ProgrammeVersion> {
    const cached = version === undefined ? undefined : this.#versions.get(`${programmeId}@${version}`);
    if (cached) return cached;
    const row = version === undefined ? await repo.latestVersion(this.db, programmeId) : await repo.findVersion(this.db, programmeId, version);
    if (!row) throw notFound('programme', version === undefined ? programmeId : `${programmeId}@${version}`);
    const v = toProgrammeVersion(row);
    this.#versions.set(`${v.programmeId}@${v.version}`, v);
    return v;
  }

  /** The awarding institution (or an operator) may act on a programme's learners. */
  assertAwarding(p: Actor['principal'], v: ProgrammeVersion): Promise<void> {
    return assertAwarding(this.institutions, p, v.awardingInstitution);
  }
}
