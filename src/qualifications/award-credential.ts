import { buildAchievementCredential, hashedIdentity, type AlignmentInput } from '../credentials/core/builders.js';
import type { JsonObject } from '../credentials/core/did-key.js';
import type { Issuer } from '../credentials/issuers/issuer-directory.js';
import type { ProgrammeVersion } from './programmes.service.js';

/** OB 3.0 achievement types by the level a programme names (ISCED 2011 numbers or Chinese level names). */
function achievementType(pv: ProgrammeVersion): string {
  const level = pv.programme.frameworkLevel.level;
  if (level === '5' || level === '专科') return 'AssociateDegree';
  if (level === '6' || level === '本科') return 'BachelorDegree';
  if (level === '7') return 'MasterDegree';
  if (level === '8') return 'DoctoralDegree';
  return 'Certificate';
}

/** The framework level the programme names, as an OB 3.0 alignment (like catalogue items' credentials). */
function levelAlignment(pv: ProgrammeVersion, publicUrl: string): AlignmentInput {
  const { framework, level } = pv.programme.frameworkLevel;
  return {
    targetName: `${framework} level ${level}`, targetFramework: framework, targetCode: level, targetType: 'CFItem',
    targetUrl: `${publicUrl}/frameworks/${encodeURIComponent(framework)}/levels/${encodeURIComponent(level)}/equivalents`,
  };
}

export interface AwardCredentialInput {
  awardId: string; pv: ProgrammeVersion; issuer: Issuer; publicUrl: string; totalCounted: string; awardedOn: string; validFrom: string;
  learner: { id: string; did: string | null; subjectSalt: string };
}

/** The unsigned degree / certificate credential; the credentials service signs and stores it. */
export function awardCredential(i: AwardCredentialInput): JsonObject {
  const { pv } = i;
  const name = pv.programme.name.zh ? `${pv.programme.name.zh} ${pv.programme.name.en}` : pv.programme.name.en;
  return buildAchievementCredential({
    id: `urn:uuid:${i.awardId}`, name,
    issuer: { id: i.issuer.did, name: i.issuer.name.zh ?? i.issuer.name.en, url: i.issuer.url },
    achievement: {
      id: `${i.publicUrl}/programmes/${encodeURIComponent(pv.programmeId)}?version=${encodeURIComponent(pv.version)}`,
      name, achievementType: achievementType(pv), version: pv.version, creditsAvailable: pv.programme.totalCredits,
      description: `Awarded on accumulated credit: ${pv.programme.totalCredits} credits (${pv.programme.creditSystem}) under programme ${pv.programmeId} version ${pv.version}.`,
      criteria: { narrative: pv.programme.requirements.map((r) => r.name.en).join('; ') },
      alignment: [levelAlignment(pv, i.publicUrl)],
      ...(pv.programme.fieldOfStudy ? { fieldOfStudy: pv.programme.fieldOfStudy } : {}),
    },
    subject: {
      ...(i.learner.did ? { id: i.learner.did } : { identifier: [hashedIdentity(i.learner.id, i.learner.subjectSalt)] }),
      creditsEarned: i.totalCounted, activityEndDate: `${i.awardedOn}T00:00:00Z`,
    },
    validFrom: i.validFrom,
  });
}
