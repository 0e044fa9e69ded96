import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Executor } from '../../src/db/database.js';
import { bearer, createInstitution, createLearner, operatorToken, type TestInstitution, type TestLearner } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

export interface ItemSpec {
  code?: string; version?: number; kind?: string; credits?: string | null; creditSystemId?: string | null;
  gradingSchemeId?: string; notionalHours?: string | null; iscedCode?: string | null; effectiveFrom?: string;
  effectiveTo?: string | null; retiredAt?: Date | null; level?: number | null;
  completionRule?: unknown; components?: string[] | null; titleEn?: string;
}

/**
 * Inserts one catalogue item version straight into the catalogue table (contract columns plus the
 * catalogue's bookkeeping columns), so records tests do not depend on the catalogue routes.
 */
export async function insertItem(db: Executor, institutionId: string, s: ItemSpec = {}): Promise<string> {
  const id = randomUUID();
  const code = s.code ?? `C${randomUUID().slice(0, 6).toUpperCase()}`;
  const title = s.titleEn ?? `Course ${code}`;
  await sql`insert into catalogue_items (id, institution_id, code, version, kind, title_en, framework_id, framework_version, level,
    credit_system_id, credits, notional_hours, isced_code, grading_scheme_id, completion_rule, components, effective_from, effective_to,
    retired_at, content_hash, search_text, search_grams)
    values (${id}, ${institutionId}, ${code}, ${s.version ?? 1}, ${s.kind ?? 'course'}, ${title},
    ${s.level === null ? null : 'gd-ltlqf'}, ${s.level === null ? null : '2017'}, ${s.level === null ? null : s.level ?? 6},
    ${s.creditSystemId === undefined ? 'cn-university' : s.creditSystemId}, ${s.credits === undefined ? '4' : s.credits},
    ${s.notionalHours ?? null}, ${s.iscedCode === undefined ? '0613' : s.iscedCode}, ${s.gradingSchemeId ?? 'percentage'},
    ${s.completionRule === undefined ? null : JSON.stringify(s.completionRule)}::jsonb,
    ${s.components === undefined || s.components === null ? null : JSON.stringify(s.components)}::jsonb,
    ${s.effectiveFrom ?? '2020-01-01'}, ${s.effectiveTo ?? null}, ${s.retiredAt ?? null},
    ${createHash('sha256').update(id).digest('hex')}, ${title}, ${[title]})`.execute(db);
  return id;
}

export const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export function depositBody(itemId: string, over: Record<string, unknown> = {}) {
  return {
    externalId: `ext-${randomUUID()}`, catalogueItemId: itemId, result: '85', completedOn: '2024-06-30', term: '2024-spring',
    assessmentMode: 'exam', evidence: { url: 'https://evidence.example/transcript.pdf', sha256: sha('evidence') }, ...over,
  };
}

export async function deposit(app: FastifyInstance, token: string, learnerId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: `/learners/${learnerId}/achievements`, headers: { ...bearer(token), ...headers }, payload: body });
}

export async function count(db: Executor, table: 'achievements' | 'achievement_versions' | 'achievement_keys' | 'ledger_entries'): Promise<number> {
  const r = await db.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface RecordsWorld {
  t: TestApp; op: string; uni: TestInstitution; other: TestInstitution; learner: TestLearner; item: string;
}

/** A service with two institutions, a learner and one 4-credit item of the first institution. */
export async function recordsWorld(): Promise<RecordsWorld> {
  const t = await createTestApp();
  const op = await operatorToken(t.app);
  const uni = await createInstitution(t.app, op);
  const other = await createInstitution(t.app, op);
  const learner = await createLearner(t.app, uni.token);
  const item = await insertItem(t.ctx.db, uni.id, { credits: '4' });
  return { t, op, uni, other, learner, item };
}
