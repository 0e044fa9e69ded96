import { Type } from 'typebox';
import { IsoDateTime, Nullable, Strict, Uuid } from '../http/schemas.js';
import { ProgrammeId } from './qualifications.schemas.js';

/** A reason a person wrote: not empty and not only whitespace. */
const Reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Why; shown in audits and kept with the waiver' });

export const WaiverParams = Strict({ id: Uuid, waiverId: Uuid });
export const WaiverListQuery = Strict({ programmeId: ProgrammeId });

export const GrantWaiverInput = Strict({
  programmeId: ProgrammeId,
  version: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A later version than the enrolled one; by default the version the learner is audited under' })),
  requirementId: Type.String({ minLength: 1, maxLength: 128, description: 'The id of a requirement of that programme version' }),
  reason: Reason,
});
export const RevokeWaiverInput = Strict({ reason: Reason });

export const WaiverView = Type.Object({
  id: Uuid, learnerId: Uuid, programmeId: Type.String(), programmeVersion: Type.String(), requirementId: Type.String(), institutionId: Uuid,
  reason: Type.String(), grantedBy: Type.String(), grantedAt: IsoDateTime, ledgerEntryId: Type.Integer(),
  status: Type.Union([Type.Literal('live'), Type.Literal('revoked')]),
  revocation: Nullable(Type.Object({ reason: Type.String(), revokedBy: Type.String(), revokedAt: IsoDateTime, ledgerEntryId: Type.Integer() })),
});
export const WaiverList = Type.Object({ items: Type.Array(WaiverView) });
