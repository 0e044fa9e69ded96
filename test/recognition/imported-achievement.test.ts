import { describe, expect, it } from 'vitest';
import { credentialJson, levelOf, toEngineImport, type CountingImport, type KnownReference } from '../../src/recognition/evaluation/imported-achievement.js';

const known: KnownReference = {
  creditSystemIds: new Set(['ects', 'cn-university']),
  frameworkVersions: new Map([['gd-ltlqf', ['2017']], ['eqf', ['2008', '2017']]]),
  iscedCodes: new Set(['06', '061', '0613']),
};

const importedAt = new Date('2025-03-01T10:00:00Z');
const imp = (credential: unknown, over: Partial<CountingImport> = {}): CountingImport => ({
  id: 'imp-1', learnerId: 'l-1', format: 'ob3', original: typeof credential === 'string' ? credential : JSON.stringify(credential),
  importedAt, sourceId: 'trust-entry-1', ...over,
});

const ob3 = (subject: Record<string, unknown>, achievement: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'OpenBadgeCredential'], issuer: 'did:web:x.example',
  validFrom: '2025-01-15T00:00:00Z', credentialSubject: { type: ['AchievementSubject'], ...subject, achievement: { type: ['Achievement'], name: 'n', ...achievement } },
  ...top,
});

describe('an imported credential as the engine sees it', () => {
  it('maps a Course with credits in a known system, level, ISCED-F field, result and end date', () => {
    const a = toEngineImport(imp(ob3(
      { creditsEarned: 5, result: [{ value: 'A' }], activityEndDate: '2024-06-30T00:00:00Z' },
      { achievementType: 'Course', creditsAvailable: 6, fieldOfStudy: '0613',
        alignment: [{ targetFramework: 'ECTS', targetName: 'ECTS credits' }, { targetFramework: 'gd-ltlqf', targetCode: '5', targetName: 'level 5' }] },
    )), known);
    expect(a).toMatchObject({
      id: 'imp-1', learnerId: 'l-1', sourceInstitutionId: 'trust-entry-1', catalogueItemId: null, kind: 'course', platform: null,
      level: { frameworkId: 'gd-ltlqf', version: '2017', level: 5 }, fieldOfStudy: '0613', creditSystemId: 'ects',
      result: 'A', gradingSchemeId: 'external', completedOn: '2024-06-30', revoked: false,
    });
    expect(a.credits.toString()).toBe('5'); // creditsEarned wins over creditsAvailable
    expect(a.creditsUnstated).toBeUndefined();
  });

  it('reads an achievementType named like an Object.prototype member as other, not as the prototype\'s function', () => {
    for (const achievementType of ['constructor', 'toString', '__proto__']) {
      expect(toEngineImport(imp(ob3({}, { achievementType })), known).kind, achievementType).toBe('other');
    }
  });

  it('takes creditsAvailable when nothing was earned, and never invents credits without a known credit system', () => {
    const available = toEngineImport(imp(ob3({}, { achievementType: 'Certificate', creditsAvailable: '2.5', alignment: [{ targetFramework: 'cn-university' }] })), known);
    expect([available.kind, available.credits.toString(), available.creditSystemId, available.creditsUnstated]).toEqual(['certificate', '2.5', 'cn-university', undefined]);
    const unknownSystem = toEngineImport(imp(ob3({ creditsEarned: 5 }, { achievementType: 'Course', alignment: [{ targetFramework: 'us-semester-hours' }] })), known);
    expect([unknownSystem.credits.toString(), unknownSystem.creditSystemId, unknownSystem.creditsUnstated]).toEqual(['0', 'unstated', true]);
    const noCredits = toEngineImport(imp(ob3({}, { achievementType: 'Course', alignment: [{ targetFramework: 'ects' }] })), known);
    expect(noCredits.creditsUnstated).toBe(true);
  });

  it('maps achievement types to kinds; unknown and extension types are the generic kind', () => {
    const kind = (achievementType: string) => toEngineImport(imp(ob3({}, { achievementType })), known).kind;
    expect(['Course', 'License', 'Certification', 'Assessment', 'MicroCredential', 'BachelorDegree', 'ext:MOOC', 'Badge', 'ext:Whatever'].map(kind))
      .toEqual(['course', 'certificate', 'certificate', 'exam', 'micro-major', 'qualification', 'mooc', 'other', 'other']);
    expect(toEngineImport(imp(ob3({}, {})), known).kind).toBe('other');
  });

  it('keeps only an ISCED-F code the bank knows as the field of study, and a pass without a stated result', () => {
    const free = toEngineImport(imp(ob3({}, { fieldOfStudy: 'Computer Science' })), known);
    const unknownCode = toEngineImport(imp(ob3({}, { fieldOfStudy: '9999' })), known);
    expect([free.fieldOfStudy, unknownCode.fieldOfStudy]).toEqual([null, null]);
    expect([free.result, free.gradingSchemeId]).toEqual(['P', 'pass-fail']);
  });

  it('dates completion by activityEndDate, else validFrom, else issuanceDate, else the import', () => {
    expect(toEngineImport(imp(ob3({}, {})), known).completedOn).toBe('2025-01-15');
    expect(toEngineImport(imp(ob3({}, {}, { validFrom: undefined, issuanceDate: '2023-02-03T00:00:00Z' })), known).completedOn).toBe('2023-02-03');
    expect(toEngineImport(imp(ob3({}, {}, { validFrom: 'not a date' })), known).completedOn).toBe('2025-03-01');
  });

  it('reads a level version from a bank-style targetUrl when loaded, else the newest loaded version; unknown frameworks give none', () => {
    expect(levelOf([{ targetFramework: 'eqf', targetCode: 6, targetUrl: 'https://bank.example/frameworks/eqf/2008/levels/6' }], known)).toEqual({ frameworkId: 'eqf', version: '2008', level: 6 });
    expect(levelOf([{ targetFramework: 'eqf', targetCode: '4' }], known)).toEqual({ frameworkId: 'eqf', version: '2017', level: 4 });
    expect(levelOf([{ targetFramework: 'nqf-elsewhere', targetCode: '4' }, { targetFramework: 'eqf', targetCode: '13' }], known)).toBeNull();
  });

  it('reads a vc+jwt payload (VCDM 2.0 claims, or VCDM 1.1 under vc) and a signed OB 2.0 assertion', () => {
    const jws = (payload: unknown) => `eyJhbGciOiJFZERTQSJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;
    const vc = ob3({ creditsEarned: 3 }, { achievementType: 'Course', alignment: [{ targetFramework: 'ects' }] });
    expect(credentialJson(jws(vc))).toEqual(vc);
    expect(credentialJson(jws({ iss: 'x', vc }))).toEqual(vc);
    expect(toEngineImport(imp(jws(vc)), known)).toMatchObject({ kind: 'course', creditSystemId: 'ects' });
    const ob2 = { type: 'Assertion', issuedOn: '2024-06-01T00:00:00Z', badge: { name: 'Rust', alignment: [{ targetFramework: 'gd-ltlqf', targetCode: '4' }] } };
    expect(toEngineImport(imp(jws(ob2), { format: 'ob2' }), known)).toMatchObject({
      kind: 'other', creditsUnstated: true, completedOn: '2024-06-01', level: { frameworkId: 'gd-ltlqf', version: '2017', level: 4 },
    });
    expect(credentialJson('not-a-jws')).toBeUndefined();
  });
});
