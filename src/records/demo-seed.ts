import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { Actor } from '../auth/principal.js';
import type { CatalogueItem } from '../catalogue/catalogue.types.js';
import type { AppContext } from '../context.js';
import type { DemoState } from '../demo/demo-data.js';
import type { GradingScheme } from '../frameworks/grading.js';
import { sql } from 'kysely';
import { catalogueItems } from './catalogue-lookup.repository.js';
import { latestToday } from './records.service.js';
import type { DepositInput } from './records.types.js';

/** A good passing result in any scheme: 80 % of the way from the pass mark to the top, or the second-best grade. */
export function passingResult(s: GradingScheme): string {
  if (s.kind === 'ordinal') {
    const passing = s.grades!.filter((g) => g.passing);
    return (passing[passing.length - 2] ?? passing[passing.length - 1]!).code;
  }
  const lo = new Decimal(s.pass ?? s.min!);
  return lo.plus(new Decimal(s.max!).minus(lo).times('0.8')).toDecimalPlaces(0, Decimal.ROUND_DOWN).toFixed();
}

function completionDate(item: CatalogueItem, today: string): string | undefined {
  const latest = item.effectiveTo !== null && item.effectiveTo < today ? item.effectiveTo : today;
  const wanted = '2024-06-28';
  const date = wanted < item.effectiveFrom ? item.effectiveFrom : wanted > latest ? latest : wanted;
  return date > latest || item.retiredAt !== null ? undefined : date;
}

async function demoItems(ctx: AppContext, institutionId: string): Promise<CatalogueItem[]> {
  const { rows } = await sql<{ id: string }>`select id from catalogue_items where institution_id = ${institutionId} and retired_at is null order by code, version`.execute(ctx.db);
  return [...(await catalogueItems(ctx.db, rows.map((r) => r.id))).values()];
}

/**
 * Deposits for the demo learners, from whatever the catalogue seed published: courses at two
 * institutions, a MOOC, a verified certificate, and all but one component of a micro-major, so
 * transcript, totals and micro-major progress have something to show.
 */
export async function seedRecords(ctx: AppContext, state: DemoState, actor: Actor): Promise<string[]> {
  const svc = ctx.records.service;
  const today = latestToday(ctx.clock.now());
  let n = 0;
  const put = async (learnerKey: string, institutionKey: string, item: CatalogueItem, term: string) => {
    const scheme = (await svc.reference()).gradingScheme(item.gradingSchemeId);
    const completedOn = completionDate(item, today);
    if (!scheme || !completedOn) return;
    const input: DepositInput = {
      externalId: `demo-${learnerKey}-${item.code}-v${item.version}`, catalogueItemId: item.id, result: passingResult(scheme),
      completedOn, term, assessmentMode: item.kind === 'mooc' ? 'online proctored exam' : 'final exam',
      evidence: { url: `https://evidence.demo.invalid/${learnerKey}/${item.code}.pdf`, sha256: createHash('sha256').update(`${learnerKey}/${item.code}`).digest('hex') },
      institutionId: state.institutions[institutionKey]!.id,
    };
    await svc.deposit(state.learners[learnerKey]!.id, input, actor);
    n += 1;
  };
  const byKey = new Map<string, CatalogueItem[]>();
  for (const key of Object.keys(state.institutions)) byKey.set(key, await demoItems(ctx, state.institutions[key]!.id));
  const all = [...byKey.values()].flat();
  const courses = (key: string) => (byKey.get(key) ?? []).filter((i) => ['course', 'unit', 'module'].includes(i.kind));
  const ownerOf = (i: CatalogueItem) => [...byKey].find(([, items]) => items.includes(i))?.[0];

  // A micro-major with all components but the last done shows "what is missing".
  const mm = all.find((i) => i.kind === 'micro-major' && (i.components?.length ?? 0) >= 2);
  const parts = mm ? (mm.components ?? []).slice(0, -1).flatMap((id) => all.filter((i) => i.id === id)) : [];
  for (const p of parts) await put('li-hua', ownerOf(p)!, p, '2024-spring');
  for (const c of courses('open-university').filter((c) => !parts.includes(c)).slice(0, 2)) await put('li-hua', 'open-university', c, '2023-autumn');
  for (const c of courses('polytechnic').filter((c) => !parts.includes(c)).slice(0, 1)) await put('li-hua', 'polytechnic', c, '2024-spring');
  const mooc = all.find((i) => i.kind === 'mooc');
  if (mooc) await put('li-hua', ownerOf(mooc)!, mooc, '2024-summer');
  for (const c of courses('open-university').slice(0, 1)) await put('ji-yun', 'open-university', c, '2024-spring');

  await svc.deposit(state.learners['li-hua']!.id, {
    externalId: 'demo-cert-li-hua-1', completedOn: '2023-12-15', credits: '2', institutionId: state.institutions.polytechnic!.id,
    evidence: { url: 'https://evidence.demo.invalid/li-hua/cert-1.pdf', sha256: createHash('sha256').update('li-hua/cert-1').digest('hex') },
    learning: {
      source: 'verified-certificate', title: { zh: '网络安全工程师（中级，演示）', en: 'Network security engineer, intermediate (demo)' },
      creditSystemId: 'cn-university', iscedCode: '0612',
      provenance: { issuer: 'Demo vocational certification centre', method: 'certificate registry look-up', reference: 'DEMO-2023-0001', verifiedOn: '2023-12-20' },
    },
  }, actor);
  n += 1;
  return [`  records: ${n} achievements deposited for the demo learners${mm ? ` (micro-major ${mm.code} in progress)` : ''}`];
}
