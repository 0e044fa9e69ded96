import { buildAchievementCredential } from '../src/credentials/core/builders.js';

/**
 * An OB 3.0 AchievementCredential like the ones the service issues (alignment, result, credits).
 * `n` shows in the content (the identifier's salt), not only in the id: the service load client
 * drops the id, and the same content again is the same credential (an idempotent replay, no signing).
 */
export function obInput(issuerDid: string, n: number) {
  return buildAchievementCredential({
    id: `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    issuer: { id: issuerDid, name: 'Bench University 基准大学' },
    achievement: { id: 'https://bank.test/catalogue/cs-101', name: '数据结构 Data Structures', description: 'Course', achievementType: 'Course',
      criteria: { narrative: 'Pass the exam' }, creditsAvailable: '4', fieldOfStudy: '0613',
      alignment: [{ targetName: 'EQF level 6', targetUrl: 'https://bank.test/frameworks/eqf/6', targetFramework: 'EQF', targetCode: '6' }] },
    subject: { identifier: [{ identityType: 'identifier', identityHash: `sha256$${'cd'.repeat(32)}`, salt: `bench-${n}` }], creditsEarned: '4', result: [{ value: 'A' }] },
    validFrom: '2025-01-01T00:00:00Z',
  });
}
