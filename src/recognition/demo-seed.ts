import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { DemoState } from '../demo/demo-data.js';

const FROM = '2020-01-01';

async function itemId(ctx: AppContext, institutionId: string, code: string): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`select id from catalogue_items where institution_id = ${institutionId} and code = ${code} order by version desc limit 1`.execute(ctx.db);
  return rows[0]?.id;
}

/**
 * One rule of each kind, a Guangdong–Hong Kong–Macao alliance with the demo HK college, and a
 * demo request by 李华: a postal delivery-clerk certificate decided automatically at the
 * polytechnic; a MOOC (automatic) and a verified certificate (queued for review) at the open university;
 * and a Hong Kong course of hers that the alliance's conversion rule covers, not yet requested.
 */
export async function seedRecognition(ctx: AppContext, state: DemoState, actor: Actor): Promise<string[]> {
  const inst = (k: string) => state.institutions[k]!.id;
  if (!state.institutions['open-university'] || !state.institutions.polytechnic || !state.institutions['hk-college']) return [];
  const ou = inst('open-university'), poly = inst('polytechnic'), hk = inst('hk-college');
  const r = ctx.recognition;
  const gba = await r.agreements.create({
    kind: 'regional', name: { zh: '粤港澳大湾区学分互认联盟（演示）', en: 'Greater Bay Area credit recognition alliance (demo)' }, effectiveFrom: FROM,
    parties: [{ institutionId: ou }, { institutionId: poly }, { institutionId: hk }],
  }, actor);
  const common = { effectiveFrom: FROM, evidence: ['https://evidence.demo.invalid/rules/review.pdf'] };
  await r.rules.publish({ ...common, type: 'equivalency', targetInstitutionId: poly, rationale: 'The vocational certificate assesses the outcomes of both logistics courses (demo); it is referenced at a lower level than the courses, so the rule says so (allowLowerLevel)',
    definition: { sources: [{ institutionId: poly, code: 'CERT-KDY', credits: '4' }], targets: [{ institutionId: poly, code: 'LOG110', credits: '2' }, { institutionId: poly, code: 'LOG120', credits: '2' }], conditions: { recency: { years: 5 }, allowLowerLevel: true } } }, actor);
  await r.rules.publish({ ...common, type: 'block', targetInstitutionId: ou, rationale: 'MOOCs of the provincial platform earn general-education credit (demo)',
    definition: { pattern: { kinds: ['mooc'], institutionIds: [inst('mooc')] }, credits: '2', category: 'general', maxCredits: '6' } }, actor);
  await r.rules.publish({ ...common, type: 'conversion', targetInstitutionId: ou, agreementId: gba.id, rationale: 'Alliance rule: HKQF courses convert by notional hours (demo)',
    definition: { pattern: { institutionIds: [hk], kinds: ['course'] }, step: '0.5', category: 'elective', conditions: { minResult: { schemeId: 'letter-af', result: 'C' } } } }, actor);
  await r.rules.publish({ ...common, type: 'caps', targetInstitutionId: ou, programmeId: 'P-BA-AD', rationale: 'At least two thirds of the programme is studied here (demo)',
    definition: { programmeTotalCredits: '76', programme: { fraction: '1/3' }, perSourceInstitution: '20' } }, actor);

  const learner = state.learners['li-hua']!;
  const cert = await itemId(ctx, poly, 'CERT-KDY');
  if (!cert) return ['  recognition: 4 rules, 1 alliance'];
  const deposited = await ctx.records.service.deposit(learner.id, {
    externalId: 'demo-li-hua-CERT-KDY', catalogueItemId: cert, result: 'P', completedOn: '2023-10-20', institutionId: poly,
    evidence: { url: 'https://evidence.demo.invalid/li-hua/CERT-KDY.pdf', sha256: createHash('sha256').update('li-hua/CERT-KDY').digest('hex') },
  }, actor);
  const asLearner: Actor = { principal: { kind: 'learner', learnerId: learner.id, scopes: [] }, requestId: 'demo-seed' };
  const req1 = await r.requests.create(learner.id, { targetInstitutionId: poly, achievementIds: [deposited.achievement.id], note: 'demo' }, asLearner);
  const held = await ctx.db.selectFrom('achievements').select(['id', 'source']).where('learner_id', '=', learner.id).execute();
  const mooc = await itemId(ctx, inst('mooc'), 'MOOC-AI01');
  const moocAch = mooc ? (await ctx.db.selectFrom('achievement_versions').select('achievement_id').where('learner_id', '=', learner.id).where('catalogue_item_id', '=', mooc).execute())[0]?.achievement_id : undefined;
  const other = held.find((h) => h.source === 'verified-certificate')?.id;
  const ids = [moocAch, other].filter((x): x is string => x !== undefined);
  const req2 = ids.length ? await r.requests.create(learner.id, { targetInstitutionId: ou, programmeId: 'P-BA-AD', achievementIds: ids }, asLearner) : undefined;
  // A Hong Kong course under the alliance's conversion rule, not yet requested: Li Hua's own-record
  // preview at the open university then shows a Match beside the Maybes and the Miss.
  const hkCourse = await itemId(ctx, hk, 'BUS2001');
  if (hkCourse) {
    await ctx.records.service.deposit(learner.id, {
      externalId: 'demo-li-hua-BUS2001', catalogueItemId: hkCourse, result: 'B', completedOn: '2024-01-12', term: '2023-autumn', institutionId: hk,
      assessmentMode: 'final exam',
      evidence: { url: 'https://evidence.demo.invalid/li-hua/BUS2001.pdf', sha256: createHash('sha256').update('li-hua/BUS2001').digest('hex') },
    }, actor);
  }
  return [`  recognition: 4 rules (one per kind), alliance ${gba.id} (粤港澳), requests ${req1.id} (decided) and ${req2?.id ?? '-'} (one item queued at the open university)`];
}
