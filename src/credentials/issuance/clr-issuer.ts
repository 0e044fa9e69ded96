import { createHash } from 'node:crypto';
import type { Actor } from '../../auth/principal.js';
import { assertIsLearner } from '../../auth/policy.js';
import type { Db } from '../../db/database.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import { invalidField } from '../../errors.js';
import { buildClrCredential, hashedIdentity } from '../core/builders.js';
import type { JsonObject } from '../core/did-key.js';
import type { IssuerDirectory } from '../issuers/issuer-directory.js';
import * as repo from './credentials.repository.js';
import type { IssuanceService, IssuedCredential } from './issuance.service.js';

/**
 * CLR 2.0 transcript issued by the bank, bundling the learner's active Data Integrity achievement
 * credentials (all, or the chosen ones). The same set of credentials and format gives the same CLR.
 */
export class ClrIssuer {
  constructor(private readonly db: Db, private readonly directory: IssuerDirectory, private readonly issuance: IssuanceService) {}

  async issue(learnerId: string, opts: { credentialIds?: string[]; format?: CredentialFormat }, actor: Actor): Promise<IssuedCredential> {
    if (actor.principal.kind === 'learner') assertIsLearner(actor.principal, learnerId);
    const rows = (await repo.listForLearner(this.db, learnerId)).filter((r) => r.status === 'active' && r.document !== null && r.kind !== 'clr'
      && (!opts.credentialIds || opts.credentialIds.includes(r.id)));
    if (rows.length === 0) throw invalidField('/body/credentialIds', 'no_credentials', 'the learner holds no active achievement credential to bundle');
    const learner = await this.db.selectFrom('learners').select(['did', 'subject_salt']).where('id', '=', learnerId).executeTakeFirstOrThrow();
    const bank = this.directory.bank();
    const ids = rows.map((r) => r.id).sort();
    const credentials = rows.map((r) => r.document as JsonObject);
    const { id: _placeholder, ...credential } = buildClrCredential({
      id: 'urn:uuid:00000000-0000-4000-8000-000000000000', name: `学习成果记录 Comprehensive Learner Record`,
      issuer: { id: bank.did, name: `${bank.name.zh} ${bank.name.en}`, url: bank.url },
      validFrom: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      subject: learner.did ? { id: learner.did } : { identifier: [hashedIdentity(learnerId, learner.subject_salt)] },
      credentials,
    });
    const key = createHash('sha256').update(ids.join(',')).digest('hex');
    return this.issuance.issue({ issuer: bank, credential, format: opts.format ?? 'eddsa-rdfc-2022', learnerId, kind: 'clr',
      issuanceKey: `clr:${key}`, sourceIds: [...new Set(rows.flatMap((r) => r.source_ids))] }, actor);
  }
}
