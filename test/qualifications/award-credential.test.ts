import { describe, expect, it } from 'vitest';
import type { Issuer } from '../../src/credentials/issuers/issuer-directory.js';
import { loadProgrammeFile } from '../../src/qualifications/audit/programme-file.js';
import { awardCredential } from '../../src/qualifications/award-credential.js';
import type { ProgrammeVersion } from '../../src/qualifications/programmes.service.js';

const issuer = { ref: 'x', did: 'did:web:bank.example:institutions:x', name: { en: 'NILE', zh: null }, kind: 'university', slug: 'kr-nile', url: 'https://nile.example' } as unknown as Issuer;

async function credentialFor(fieldOfStudy?: string) {
  const programme = await loadProgrammeFile(new URL('../../frameworks/programmes/korea-acbs-bachelor.json', import.meta.url).pathname);
  const pv = { programmeId: programme.id, version: programme.version, programme: { ...programme, ...(fieldOfStudy ? { fieldOfStudy } : {}) } } as ProgrammeVersion;
  const vc = awardCredential({ awardId: '00000000-0000-4000-8000-000000000001', pv, issuer, publicUrl: 'https://bank.example', totalCounted: '140',
    awardedOn: '2025-02-01', validFrom: '2025-02-01T00:00:00Z', learner: { id: '00000000-0000-4000-8000-000000000002', did: null, subjectSalt: 'salt' } });
  return (vc.credentialSubject as { achievement: Record<string, unknown> }).achievement;
}

describe('award credential', () => {
  it('aligns the degree to the framework level the programme names', async () => {
    const achievement = await credentialFor();
    expect(achievement.alignment).toEqual([{
      type: ['Alignment'], targetName: 'isced-2011 level 6', targetFramework: 'isced-2011', targetCode: '6', targetType: 'CFItem',
      targetUrl: 'https://bank.example/frameworks/isced-2011/levels/6/equivalents',
    }]);
    expect(achievement).not.toHaveProperty('fieldOfStudy');
  });

  it('carries the programme\'s ISCED-F field of study when it names one', async () => {
    expect((await credentialFor('0413')).fieldOfStudy).toBe('0413');
  });
});
