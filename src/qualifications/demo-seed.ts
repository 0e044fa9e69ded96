import type { Actor } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { DemoState } from '../demo/demo-data.js';
import type { ProgrammeMapping } from './programme-mapping.js';

export const DEMO_PROGRAMME_ID = 'lingnan-digital-skills-certificate';

/**
 * A short programme of the demo open university, sized so that Li Hua's demo record completes it
 * (the README awards it): ≥ 8 credits in ICT (ISCED-F 06), ≥ 6 earned at the university,
 * certificates count for at most 6 credits, 20 in all. Illustrative, not a real programme.
 */
export function demoProgramme(awarding: string): Record<string, unknown> {
  return {
    id: DEMO_PROGRAMME_ID, version: '2025.1', awardingInstitution: awarding,
    name: { en: 'Certificate in Digital Skills (demo)', zh: '数字技能结业证书（演示）' },
    frameworkLevel: { framework: 'gd-ltlqf', level: '4' }, creditSystem: 'cn-university', totalCredits: '20',
    requirements: [
      { id: 'digital', kind: 'category', name: { en: 'ICT courses', zh: '信息技术类课程' }, minCredits: '8' },
      { id: 'elective', kind: 'category', name: { en: 'Electives', zh: '选修' }, minCredits: '0', acceptsAny: true },
      { id: 'residency', kind: 'minimum', name: { en: 'Earned at the university', zh: '本校修读' }, filter: { atAwardingInstitution: true }, minCredits: '6' },
    ],
    caps: [{ id: 'certificates', name: { en: 'Certificates count for at most 6 credits', zh: '证书最多认定 6 学分' }, per: 'all', filter: { sourceKinds: ['certificate'] }, maxCredits: '6' }],
    recencyYears: 5, minimumResults: [{ scheme: 'percentage', result: '60' }],
    sources: [{ title: 'Demo programme (illustrative, shaped like an open-university certificate programme)', url: 'https://demo.invalid/programmes/digital-skills', confirms: [] }],
  };
}

/** ICT fields count toward "digital"; certificates of either origin are one source kind for the cap. */
export const DEMO_MAPPING: ProgrammeMapping = {
  eligibility: [{ match: { fields: ['06'] }, to: ['digital'] }],
  sourceKinds: [{ match: { kinds: ['certificate', 'verified-certificate'] }, kind: 'certificate' }],
};

/** Publishes the demo programme at the open university and enrols Li Hua (the award is left to the README). */
export async function seedQualifications(ctx: AppContext, state: DemoState, actor: Actor): Promise<string[]> {
  const ou = state.institutions['open-university'];
  const learner = state.learners['li-hua'];
  if (!ou || !learner) return [];
  const { version } = await ctx.qualifications.programmes.publish(ou.id, { programme: demoProgramme(ou.slug), mapping: DEMO_MAPPING }, actor);
  await ctx.qualifications.enrolments.enrol(learner.id, { programmeId: version.programmeId }, actor);
  const audit = await ctx.qualifications.audits.audit(learner.id, version.programmeId, undefined, actor);
  return [`  qualifications: programme ${version.programmeId}@${version.version} (open-university), li-hua enrolled; audit ${audit.complete ? 'complete' : 'incomplete'} at seed time`];
}
