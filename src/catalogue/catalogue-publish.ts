import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { Insertable } from 'kysely';
import type { Actor } from '../auth/principal.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Db } from '../db/database.js';
import type { CatalogueItemsTable } from '../db/tables/catalogue.js';
import type { FrameworkSnapshot } from '../frameworks/framework-snapshot.service.js';
import * as repo from './catalogue.repository.js';
import type { CatalogueItemInput } from './catalogue.schemas.js';
import { toContent, toRow, type ItemRow } from './catalogue-rows.js';
import { validateItem, type ItemProblem } from './catalogue-validation.js';

export interface LineResult {
  line: number; status: 'accepted' | 'existing' | 'rejected'; id?: string; code?: string; version?: number;
  problem?: string; errors?: { pointer: string; message: string }[];
}

/** What earlier lines of the same publish decided: duplicates, version order, components by code. */
export interface PublishState { seen: Set<string>; accepted: Map<string, ItemRow[]> }
export const newPublishState = (): PublishState => ({ seen: new Set(), accepted: new Map() });

export interface PublishDeps { db: Db; snapshot: FrameworkSnapshot; now: Date; actor: Actor; institutionId: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const reject = (line: number, code: string | undefined, problems: ItemProblem[]): LineResult =>
  ({ line, status: 'rejected', code, problem: problems[0]!.code, errors: problems.map(({ pointer, message }) => ({ pointer, message })) });

interface Known { byCode: Map<string, ItemRow[]>; byId: Map<string, ItemRow> }

function versionsOf(k: Known, s: PublishState, code: string): ItemRow[] {
  return [...(k.byCode.get(code) ?? []), ...(s.accepted.get(code) ?? [])];
}

// A component is one of this institution's own items, by id or by code (its latest version):
// a micro-major bundles what its publisher teaches; cross-institution bundles are recognition rules.
function resolveComponents(input: CatalogueItemInput, k: Known, s: PublishState, institutionId: string): { ids: string[] | null; problems: ItemProblem[] } {
  if (!input.components) return { ids: null, problems: [] };
  const problems: ItemProblem[] = [];
  const rows = input.components.map((ref, i) => {
    const row = UUID.test(ref) ? k.byId.get(ref.toLowerCase()) ?? [...s.accepted.values()].flat().find((r) => r.id === ref) : versionsOf(k, s, ref).at(-1);
    const at = `/components/${i}`;
    if (!row) problems.push({ code: 'unknown_component', pointer: at, message: `No catalogue item ${ref}` });
    else if (row.institution_id !== institutionId) problems.push({ code: 'component_elsewhere', pointer: at, message: `${ref} belongs to another institution; a micro-major bundles its own institution's items` });
    else if (row.kind === 'micro-major') problems.push({ code: 'nested_micro_major', pointer: at, message: `${ref} is itself a micro-major` });
    else if (row.retired_at !== null) problems.push({ code: 'component_retired', pointer: at, message: `${ref} is retired` });
    return row;
  });
  const rule = input.completionRule;
  if (problems.length === 0 && rule?.type === 'min-credits') {
    const other = rows.findIndex((r) => r!.credit_system_id !== input.creditSystemId || r!.credits === null);
    if (other >= 0) problems.push({ code: 'component_credit_system_mismatch', pointer: `/components/${other}`, message: `A min-credits rule counts credits in ${input.creditSystemId ?? 'one system'}; this component has none there` });
    else {
      const sum = rows.reduce((acc, r) => acc.plus(r!.credits!), new Decimal(0));
      if (sum.lt(rule.credits)) problems.push({ code: 'unmeetable_completion_rule', pointer: '/completionRule/credits', message: `${rule.credits} credits required but the components carry ${sum.toString()}` });
    }
  }
  return { ids: problems.length === 0 ? rows.map((r) => r!.id) : null, problems };
}

function decide(line: number, input: CatalogueItemInput, d: PublishDeps, k: Known, s: PublishState, out: Insertable<CatalogueItemsTable>[]): LineResult {
  const version = input.version ?? 1;
  const { problems, level } = validateItem(input, d.snapshot);
  if (problems.length > 0) return reject(line, input.code, problems);
  const key = `${input.code}#${version}`;
  if (s.seen.has(key)) return reject(line, input.code, [{ code: 'duplicate_code', pointer: '/code', message: `${input.code} version ${version} appears earlier in this batch` }]);
  s.seen.add(key);
  const comps = resolveComponents(input, k, s, d.institutionId);
  if (comps.problems.length > 0) return reject(line, input.code, comps.problems);
  const id = randomUUID();
  const row = toRow(id, d.institutionId, toContent(input, level, comps.ids));
  const versions = versionsOf(k, s, input.code);
  const same = versions.find((v) => v.version === version);
  if (same) {
    if (same.content_hash === row.content_hash) return { line, status: 'existing', id: same.id, code: input.code, version };
    return reject(line, input.code, [{ code: 'catalogue_version_conflict', pointer: '/version', message: `${input.code} version ${version} is already published with other content; publish version ${(versions.at(-1)?.version ?? 0) + 1}` }]);
  }
  const next = (versions.at(-1)?.version ?? 0) + 1;
  if (version !== next) return reject(line, input.code, [{ code: 'version_gap', pointer: '/version', message: `The next version of ${input.code} is ${next}` }]);
  out.push(row);
  const stored = { ...row, retired_at: null, created_at: d.now, completion_rule: row.completion_rule, components: row.components } as unknown as ItemRow;
  s.accepted.set(input.code, [...(s.accepted.get(input.code) ?? []), stored]);
  return { line, status: 'accepted', id, code: input.code, version };
}

async function known(d: PublishDeps, inputs: CatalogueItemInput[]): Promise<Known> {
  const refs = inputs.flatMap((i) => i.components ?? []);
  const codes = [...new Set([...inputs.map((i) => i.code), ...refs.filter((r) => !UUID.test(r))])];
  const [byCodeRows, byIdRows] = await Promise.all([
    repo.itemsByCodes(d.db, d.institutionId, codes),
    repo.findItems(d.db, [...new Set(refs.filter((r) => UUID.test(r)).map((r) => r.toLowerCase()))]),
  ]);
  const byCode = new Map<string, ItemRow[]>();
  for (const r of byCodeRows) byCode.set(r.code, [...(byCode.get(r.code) ?? []), r]);
  return { byCode, byId: new Map(byIdRows.map((r) => [r.id, r])) };
}

// A unique violation (a concurrent publish won the key) or a deadlock between two chunks moving latest markers.
const MAX_ATTEMPTS = 5;
const isRetryable = (err: unknown) => ['23505', '40P01'].includes(String((err as { code?: unknown } | null)?.code));

/**
 * Decides each line of a chunk against the database and earlier lines, then writes the accepted
 * ones in one transaction. Rejected lines never hold back accepted ones. When a concurrent publish
 * of the same code and version wins the race, the chunk is decided again (those lines become
 * existing or conflicts). Each retry settles at least the lines another publish just won, so a few
 * attempts suffice even when several publishes race for the same codes.
 */
export async function publishChunk(d: PublishDeps, s: PublishState, lines: { line: number; input: CatalogueItemInput }[], attempt = 1): Promise<LineResult[]> {
  const saved = { seen: new Set(s.seen), accepted: new Map(s.accepted) };
  const k = await known(d, lines.map((l) => l.input));
  const rows: Insertable<CatalogueItemsTable>[] = [];
  const results = lines.map((l) => decide(l.line, l.input, d, k, s, rows));
  if (rows.length === 0) return results;
  try {
    await d.db.transaction().execute(async (trx) => {
      await repo.insertItems(trx, d.institutionId, rows);
      await recordWrite(trx, d.actor, {
        action: 'catalogue.publish', resourceType: 'catalogue_item', resourceId: rows.length === 1 ? rows[0]!.id : `batch:${rows[0]!.id}`,
        institutionId: d.institutionId, detail: { ids: rows.map((r) => r.id) },
      }, d.now);
    });
  } catch (err) {
    if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
    s.seen = saved.seen;
    s.accepted = saved.accepted;
    return publishChunk(d, s, lines, attempt + 1);
  }
  return results;
}
