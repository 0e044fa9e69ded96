import type { Actor } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { DemoState } from '../demo/demo-data.js';
import { buildAchievementCredential, hashedIdentity } from './core/builders.js';

/**
 * Demo step: the open university issues li-hua a course credential (eddsa-rdfc-2022), so the README
 * can show verification, the page and revocation right after `npm start`.
 */
export async function seedCredentials(ctx: AppContext, state: DemoState, actor: Actor): Promise<string[]> {
  const inst = state.institutions['open-university'];
  const learner = state.learners['li-hua'];
  if (!inst || !learner) return [];
  const issuer = (await ctx.credentials.directory.byRef(inst.id))!;
  const credential = buildAchievementCredential({
    id: 'urn:uuid:00000000-0000-4000-8000-000000000000',
    issuer: { id: issuer.did, name: `${inst.name.zh ?? ''} ${inst.name.en}`.trim(), url: `${ctx.config.publicUrl}/institutions/${inst.id}` },
    achievement: {
      id: `${ctx.config.publicUrl}/institutions/${inst.id}/courses/CS101`, name: '程序设计基础 Foundations of Programming',
      description: 'Introductory programming in Python: control flow, functions, data structures.', achievementType: 'Course',
      criteria: { narrative: 'Pass the final examination (≥ 60/100).' }, creditsAvailable: '4', fieldOfStudy: '0613', humanCode: 'CS101',
      alignment: [{ targetName: 'Guangdong lifelong-education QF level 5', targetUrl: `${ctx.config.publicUrl}/frameworks/gdqf/levels/5`, targetFramework: 'GDQF', targetCode: '5', targetType: 'CFItem' }],
    },
    subject: {
      identifier: [hashedIdentity(learner.id, await ctx.learners.subjectSalt(learner.id), 'identifier')],
      creditsEarned: '4', result: [{ value: '88' }], activityStartDate: '2025-02-20T00:00:00Z', activityEndDate: '2025-06-30T00:00:00Z', term: '2025 Spring',
    },
    validFrom: '2025-07-01T00:00:00Z',
  });
  const { id: _placeholder, ...unsigned } = credential;
  const issued = await ctx.credentials.issuance.issue({
    issuer, credential: unsigned, format: 'eddsa-rdfc-2022', learnerId: learner.id, kind: 'achievement',
    issuanceKey: 'demo:CS101', suspendable: true,
  }, actor);
  return [`  demo credential ${issued.id} (open-university → li-hua): ${ctx.config.publicUrl}/verify/${issued.id}`];
}
