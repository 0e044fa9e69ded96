import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Actor } from '../../auth/principal.js';
import type { Db } from '../../db/database.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import { assertActsForInstitution } from '../../auth/policy.js';
import { forbidden, invalidField, notFound } from '../../errors.js';
import { issuerId } from '../core/credential-fields.js';
import type { JsonObject } from '../core/did-key.js';
import { checkVcdm } from '../core/vcdm-checks.js';
import type { Issuer, IssuerDirectory } from '../issuers/issuer-directory.js';
import type { IssuanceService, IssuedCredential, IssueRequest } from './issuance.service.js';

export interface VcApiOptions {
  proofFormat?: string;
  cryptosuite?: string;
  credentialStatus?: { type: string; statusPurpose?: string[] };
}

/** The proof format the VC-API options ask for; eddsa-rdfc-2022 when none. */
export function formatFrom(o: VcApiOptions = {}): CredentialFormat {
  if (o.proofFormat && ['jwt', 'jwt_vc', 'vc+jwt', 'application/vc+jwt'].includes(o.proofFormat)) return 'vc+jwt';
  if (o.cryptosuite === 'eddsa-jcs-2022') return 'eddsa-jcs-2022';
  return 'eddsa-rdfc-2022';
}

/** POST /credentials/issue: institutions sign their own credentials; operators sign as the bank. */
export class VcApiIssuer {
  constructor(private readonly db: Db, private readonly directory: IssuerDirectory, private readonly issuance: IssuanceService) {}

  async issue(credential: JsonObject, options: VcApiOptions | undefined, actor: Actor): Promise<IssuedCredential> {
    const issuer = await this.callerIssuer(actor);
    return this.issuance.issue(await this.request(issuer, credential, options, '/body/credential'), actor);
  }

  /** A term's worth for one institution: validated up front (nothing is issued if one is bad), signed in the pool. */
  async issueBatch(institutionId: string, items: { credential: JsonObject; options?: VcApiOptions }[], actor: Actor): Promise<IssuedCredential[]> {
    assertActsForInstitution(actor.principal, institutionId);
    const issuer = await this.directory.byRef(institutionId);
    if (!issuer) throw notFound('institution', institutionId);
    const reqs: IssueRequest[] = [];
    for (const [i, item] of items.entries()) reqs.push(await this.request(issuer, item.credential, item.options, `/body/items/${i}/credential`));
    return this.issuance.issueMany(reqs, actor);
  }

  private async callerIssuer(actor: Actor): Promise<Issuer> {
    const p = actor.principal;
    const issuer = p.kind === 'institution' ? await this.directory.byRef(p.institutionId) : p.kind === 'operator' ? this.directory.bank() : undefined;
    if (!issuer) throw forbidden('not_an_issuer', 'Only institutions and operators issue credentials');
    return issuer;
  }

  private async request(issuer: Issuer, credential: JsonObject, options: VcApiOptions | undefined, at: string): Promise<IssueRequest> {
    if (issuerId(credential) !== issuer.did) throw invalidField(`${at}/issuer`, 'issuer_mismatch', `issuer must be your own DID ${issuer.did}`);
    if (credential.proof !== undefined) throw invalidField(`${at}/proof`, 'already_signed', 'the credential must be unsigned');
    if (credential.id !== undefined) throw invalidField(`${at}/id`, 'id_assigned_by_issuer', 'the service assigns the credential id (urn:uuid)');
    const problems = checkVcdm({ ...credential, id: 'urn:uuid:00000000-0000-4000-8000-000000000000' });
    if (problems.length > 0) throw invalidField(`${at}/${problems[0]!.path.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`, 'invalid_credential', `${problems[0]!.path} ${problems[0]!.message}`);
    const format = formatFrom(options);
    const digest = createHash('sha256').update(canonicalize(credential) ?? '').digest('hex');
    return {
      issuer, credential, format, learnerId: await this.learnerFor(credential), kind: 'vc-api',
      issuanceKey: `vc-api:${digest}`, suspendable: options?.credentialStatus?.statusPurpose?.includes('suspension') ?? false,
    };
  }

  /** The learner whose DID is the subject id, if any (so the credential joins their record). */
  private async learnerFor(c: JsonObject): Promise<string | null> {
    const s = (Array.isArray(c.credentialSubject) ? c.credentialSubject[0] : c.credentialSubject) as JsonObject | undefined;
    if (typeof s?.id !== 'string') return null;
    const row = await this.db.selectFrom('learners').select('id').where('did', '=', s.id).executeTakeFirst();
    return row?.id ?? null;
  }
}
