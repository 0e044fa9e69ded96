import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Actor } from '../../auth/principal.js';
import type { Db } from '../../db/database.js';
import type { CredentialFormat } from '../../db/tables/credentials.js';
import { assertActsForInstitution } from '../../auth/policy.js';
import { forbidden, invalidField, notFound } from '../../errors.js';
import { isOpenBadgeLike, issuerId } from '../core/credential-fields.js';
import { checkEducationCredential } from '../core/open-badge-checks.js';
import type { JsonObject } from '../core/did-key.js';
import { checkVcdm } from '../core/vcdm-checks.js';
import type { Issuer, IssuerDirectory } from '../issuers/issuer-directory.js';
import * as repo from './credentials.repository.js';
import { idConflict, type IssuanceService, type IssuedCredential, type IssueRequest } from './issuance.service.js';

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

type NaturalKey = { issuer: { ref: string }; issuanceKey: string; format: CredentialFormat; learnerId: string | null };
const sameCredential = (a: NaturalKey, b: NaturalKey) =>
  a.issuer.ref === b.issuer.ref && a.issuanceKey === b.issuanceKey && a.format === b.format && a.learnerId === b.learnerId;

const URN_UUID = /^urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * The UUID of a caller-supplied credential id. VC-API lets the caller choose the id; this service
 * honours `urn:uuid:` ids only: it stores, serves (/verify/{uuid}, the QR code, the ledger proof)
 * and revokes every credential by a UUID, and an http(s) or other URI would claim the credential
 * is published at, or resolvable through, a place this service does not serve.
 */
function callerUuid(id: unknown, pointer: string): string {
  const m = typeof id === 'string' ? URN_UUID.exec(id) : null;
  if (!m) throw invalidField(pointer, 'unsupported_credential_id', 'credential.id must be a urn:uuid: URN (or left out for the service to assign one); other URIs cannot be honoured because credentials are stored, served and revoked here by UUID');
  const uuid = m[1]!.toLowerCase();
  if (/^[0-]+$/.test(uuid)) throw invalidField(pointer, 'unsupported_credential_id', 'credential.id must not be the nil UUID');
  return uuid;
}

/** POST /credentials/issue: institutions sign their own credentials; operators sign as the bank. */
export class VcApiIssuer {
  constructor(private readonly db: Db, private readonly directory: IssuerDirectory, private readonly issuance: IssuanceService) {}

  async issue(credential: JsonObject, options: VcApiOptions | undefined, actor: Actor): Promise<IssuedCredential> {
    const issuer = await this.callerIssuer(actor);
    const req = await this.request(issuer, credential, options, '/body/credential');
    await this.assertIdsFree([req], () => '/body/credential/id');
    return this.issuance.issue(req, actor);
  }

  /** A term's worth for one institution: validated up front (nothing is issued if one is bad), signed in the pool. */
  async issueBatch(institutionId: string, items: { credential: JsonObject; options?: VcApiOptions }[], actor: Actor): Promise<IssuedCredential[]> {
    assertActsForInstitution(actor.principal, institutionId);
    const issuer = await this.directory.byRef(institutionId);
    if (!issuer) throw notFound('institution', institutionId);
    const learners = await this.learnersByDid(items.map((i) => subjectDid(i.credential)));
    const reqs: IssueRequest[] = [];
    for (const [i, item] of items.entries()) reqs.push(await this.request(issuer, item.credential, item.options, `/body/items/${i}/credential`, learners));
    await this.assertIdsFree(reqs, (i) => `/body/items/${i}/credential/id`);
    return this.issuance.issueMany(reqs, actor);
  }

  private async callerIssuer(actor: Actor): Promise<Issuer> {
    const p = actor.principal;
    const issuer = p.kind === 'institution' ? await this.directory.byRef(p.institutionId) : p.kind === 'operator' ? this.directory.bank() : undefined;
    if (!issuer) throw forbidden('not_an_issuer', 'Only institutions and operators issue credentials');
    return issuer;
  }

  private async request(issuer: Issuer, credential: JsonObject, options: VcApiOptions | undefined, at: string,
    learners?: ReadonlyMap<string, string>): Promise<IssueRequest> {
    if (issuerId(credential) !== issuer.did) throw invalidField(`${at}/issuer`, 'issuer_mismatch', `issuer must be your own DID ${issuer.did}`);
    if (credential.proof !== undefined) throw invalidField(`${at}/proof`, 'already_signed', 'the credential must be unsigned');
    const id = credential.id === undefined ? undefined : callerUuid(credential.id, `${at}/id`);
    // The id in its canonical (lower-case) form, so that the same id always gives the same content digest.
    if (id !== undefined) credential = { ...credential, id: `urn:uuid:${id}` };
    // Checked as it will be signed (the service fills in id and validFrom): the VC Data Model rules,
    // and for an Open Badge or CLR its shape, so that nothing is signed that the verifier would fail.
    const asSigned = { ...credential, id: credential.id ?? 'urn:uuid:00000000-0000-4000-8000-000000000000', validFrom: credential.validFrom ?? '2000-01-01T00:00:00Z' };
    const problems = [...checkVcdm(asSigned), ...(isOpenBadgeLike(asSigned) ? checkEducationCredential(asSigned) : [])];
    if (problems.length > 0) throw invalidField(`${at}/${problems[0]!.path.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`, 'invalid_credential', `${problems[0]!.path} ${problems[0]!.message}`);
    const format = formatFrom(options);
    const digest = createHash('sha256').update(canonicalize(credential) ?? '').digest('hex');
    return {
      issuer, credential, format, kind: 'vc-api',
      learnerId: learners ? learners.get(subjectDid(credential) ?? '') ?? null : await this.learnerFor(credential),
      issuanceKey: `vc-api:${digest}`, suspendable: options?.credentialStatus?.statusPurpose?.includes('suspension') ?? false, id,
    };
  }

  /**
   * Caller-chosen ids must not name a different credential: not one already stored, nor another
   * item of the same batch. The same id with the same content (issuer, credential, format) is the
   * same credential and is returned again by the issuance path.
   */
  private async assertIdsFree(reqs: IssueRequest[], pointer: (i: number) => string): Promise<void> {
    const chosen = new Map<string, { req: IssueRequest; i: number }>();
    for (const [i, req] of reqs.entries()) {
      if (req.id === undefined) continue;
      const first = chosen.get(req.id);
      if (first && !sameCredential(first.req, req)) throw idConflict(req.id, pointer(i));
      if (!first) chosen.set(req.id, { req, i });
    }
    if (chosen.size === 0) return;
    for (const row of await repo.findCredentials(this.db, [...chosen.keys()])) {
      const { req, i } = chosen.get(row.id)!;
      if (!sameCredential({ issuer: { ref: row.issuer_ref }, issuanceKey: row.issuance_key, format: row.format, learnerId: row.learner_id }, req)) {
        throw idConflict(row.id, pointer(i));
      }
    }
  }

  /** The learner whose DID is the subject id, if any (so the credential joins their record). */
  private async learnerFor(c: JsonObject): Promise<string | null> {
    const did = subjectDid(c);
    return did === undefined ? null : (await this.learnersByDid([did])).get(did) ?? null;
  }

  /** Learners by DID for many subjects in one query (a batch would otherwise ask once per item). */
  private async learnersByDid(dids: (string | undefined)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(dids.filter((d): d is string => d !== undefined))];
    if (wanted.length === 0) return new Map();
    const rows = await this.db.selectFrom('learners').select(['id', 'did']).where('did', 'in', wanted).execute();
    return new Map(rows.map((r) => [r.did!, r.id]));
  }
}

/** The subject's id when it is a string (a DID the learner gave), from the first subject. */
function subjectDid(c: JsonObject): string | undefined {
  const s = (Array.isArray(c.credentialSubject) ? c.credentialSubject[0] : c.credentialSubject) as JsonObject | undefined;
  return typeof s?.id === 'string' ? s.id : undefined;
}
