import { describe, expect, it } from 'vitest';
import {
  buildAchievementCredential, buildClrCredential, creditNumber, hashedIdentity, type AchievementCredentialInput,
} from '../../../src/credentials/core/builders.js';
import { checkAchievementCredential, checkClrCredential, checkEducationCredential } from '../../../src/credentials/core/open-badge-checks.js';
import { checkVcdm } from '../../../src/credentials/core/vcdm-checks.js';
import { buildStatusEntry } from '../../../src/credentials/core/status-list.js';
import { signCredential, verifyCredentialProof } from '../../../src/credentials/core/suites.js';
import { ISSUER_DID, NOW, issuerKey, loaderFor, readVector } from './fixtures.js';

function courseInput(): AchievementCredentialInput {
  return {
    id: 'urn:uuid:0b7e5d3a-7f5e-4c1e-9d55-0a0c9e1b2f31',
    issuer: { id: ISSUER_DID, name: '国家开放大学', url: 'https://bank.example.cn' },
    achievement: {
      id: 'https://bank.example.cn/catalogue/courses/CS101/v2',
      name: '程序设计基础', description: 'Introduction to programming', achievementType: 'Course',
      criteria: { narrative: 'Final examination score of at least 60.' },
      creditsAvailable: '7.5', fieldOfStudy: '0613', humanCode: 'CS101',
      alignment: [{ targetName: 'EQF level 6', targetUrl: 'https://bank.example.cn/frameworks/eqf/levels/6', targetFramework: 'EQF', targetCode: '6', targetType: 'ext:FrameworkLevel' }],
      resultDescription: [{ id: 'https://bank.example.cn/catalogue/courses/CS101/v2/results/score', name: 'Score', resultType: 'Percent', valueMin: '0', valueMax: '100', requiredValue: '60' }],
    },
    subject: {
      identifier: [hashedIdentity('440106199001011234', 'salt-9f2c')],
      creditsEarned: '7.5', term: '2024 Autumn',
      activityStartDate: '2024-09-01T00:00:00+08:00', activityEndDate: '2025-01-10T00:00:00+08:00',
      result: [{ resultDescription: 'https://bank.example.cn/catalogue/courses/CS101/v2/results/score', value: '87', status: 'Completed' }],
    },
    validFrom: '2025-01-15T00:00:00Z',
    credentialStatus: [buildStatusEntry('https://bank.example.cn/status/1', 42, 'revocation')],
  };
}

describe('buildAchievementCredential', () => {
  it('produces an OB 3.0 credential that passes the VCDM and Open Badges checks', () => {
    const c = buildAchievementCredential(courseInput());
    expect(checkVcdm(c)).toEqual([]);
    expect(checkAchievementCredential(c)).toEqual([]);
    expect(c.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential', 'AchievementCredential']);
    expect((c.credentialSubject as any).achievement.creditsAvailable).toBe(7.5);
  });

  it('identifies the learner by salted hash, never by the clear identity number', () => {
    const text = JSON.stringify(buildAchievementCredential(courseInput()));
    expect(text).not.toContain('440106199001011234');
    expect(text).toMatch(/"identityHash":"sha256\$[0-9a-f]{64}"/);
  });

  it('refuses a subject with neither DID nor hashed identifier', () => {
    const input = courseInput();
    input.subject = { creditsEarned: '1' };
    expect(() => buildAchievementCredential(input)).toThrow(/id \(DID\) or a hashed identifier/);
  });

  it('signs and verifies with every suite after building', async () => {
    const key = await issuerKey();
    const loader = loaderFor([key]);
    for (const suite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc+jwt'] as const) {
      const signed = await signCredential(buildAchievementCredential(courseInput()), { suite, key, documentLoader: loader, now: NOW });
      expect((await verifyCredentialProof(signed, { documentLoader: loader })).verified).toBe(true);
    }
  });
});

describe('credit numbers', () => {
  it('keeps decimal strings exact and rejects values a double cannot carry', () => {
    expect(JSON.stringify(creditNumber('0.1'))).toBe('0.1');
    expect(JSON.stringify(creditNumber('18.75'))).toBe('18.75');
    expect(() => creditNumber('-1')).toThrow();
    expect(() => creditNumber('1.0000000000000001')).toThrow(/15 significant/);
  });
});

describe('buildClrCredential', () => {
  it('bundles signed achievement credentials into a ClrCredential that passes the CLR checks', async () => {
    const key = await issuerKey();
    const loader = loaderFor([key]);
    const signed = await signCredential(buildAchievementCredential(courseInput()), { key, documentLoader: loader, now: NOW }) as Record<string, unknown>;
    const clr = buildClrCredential({
      id: 'urn:uuid:5f1d0c9e-8a77-4f0b-b0a1-3f8e6c2d1a00', name: 'Transcript', issuer: { id: ISSUER_DID, name: 'Credit bank' },
      validFrom: '2025-02-01T00:00:00Z', subject: { identifier: [hashedIdentity('x', 'y')] }, credentials: [signed],
      associations: [{ associationType: 'isPartOf', sourceId: 'https://a.example/1', targetId: 'https://a.example/2' }],
    });
    expect(checkVcdm(clr)).toEqual([]);
    expect(checkClrCredential(clr)).toEqual([]);
    const signedClr = await signCredential(clr, { key, documentLoader: loader, now: NOW });
    expect((await verifyCredentialProof(signedClr, { documentLoader: loader })).verified).toBe(true);
  });
});

describe('Open Badges shape checks', () => {
  it('accept the 1EdTech OB and CLR examples', () => {
    expect(checkEducationCredential(readVector('ob-v3p0-signed-example.json'))).toEqual([]);
    expect(checkEducationCredential(readVector('clr-v2p0-signed-example.json'))).toEqual([]);
  });

  it('report each missing required property with its path', () => {
    const c = buildAchievementCredential(courseInput()) as any;
    delete c.name;
    delete c.credentialSubject.achievement.criteria;
    c.credentialSubject.achievement.type = ['Thing'];
    c.credentialSubject.creditsEarned = '7.5';
    c.credentialSubject.achievement.alignment[0].targetUrl = 'not a uri';
    delete c.credentialSubject.identifier;
    expect(checkAchievementCredential(c).map((p) => p.path).sort()).toEqual([
      'credentialSubject.achievement.alignment[0].targetUrl',
      'credentialSubject.achievement.criteria',
      'credentialSubject.achievement.type',
      'credentialSubject.creditsEarned',
      'credentialSubject.id',
      'name',
    ]);
  });

  it('check the credentials bundled in a CLR', () => {
    const clr = readVector('clr-v2p0-signed-example.json') as any;
    delete clr.credentialSubject.verifiableCredential[0].credentialSubject.achievement.name;
    expect(checkClrCredential(clr).map((p) => p.path)).toEqual(['credentialSubject.verifiableCredential[0].credentialSubject.achievement.name']);
  });
});
