import legacyValidator from 'openbadges-validator';
import { invalidField } from '../../errors.js';
import type { JsonObject } from '../core/did-key.js';
import { asJsonObject } from '../core/credential-fields.js';
import { isCompactJws } from '../core/suites.js';
import { bundledCredentials, partOriginal } from './clr-parts.js';
import type { VerificationReport } from '../verify/check-results.js';
import type { TrustListService } from '../trust-list/trust-list.service.js';
import type { VerifierService } from '../verify/verifier.service.js';
import { checkOb2, isOb2Assertion } from './ob2-checks.js';
import { issuerOf, signedOb2Payload, verifySignedOb2 } from './ob2-signed.js';

export interface Judged {
  format: string; verification: string; verified: boolean; trusted: boolean;
  /** The trust-list entry that made an external issuer trusted (null for the bank's own issuers and untrusted ones). */
  trustEntryId: string | null;
  issuer: string | null; name: string | null; checks: unknown;
  /** A CLR's bundled achievement credentials, each judged on its own (see clrParts). */
  parts?: JudgedPart[];
}

/** A credential bundled in an imported CLR: its own judgement and its text as it will be kept. */
export interface JudgedPart extends Judged { original: string }

/** The most achievement credentials one imported CLR may bundle (a whole transcript is a few hundred). */
export const MAX_CLR_PARTS = 1_000;

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Decides what an imported credential is and how far it verifies, offline: a W3C VC / OB 3.0
 * through the verifier (trusted when its issuer is the bank's or on the trust list), a signed
 * OB 2.0 assertion with the trust list's key, a hosted OB 2.0 by our own checks, OB 1.x by
 * openbadges-validator's structural check.
 */
export class ImportJudge {
  constructor(private readonly verifier: VerifierService, private readonly trust: TrustListService, private readonly now: () => Date) {}

  async judge(credential: unknown, email: string | undefined): Promise<Judged> {
    const signedOb2 = signedOb2Payload(credential);
    if (signedOb2) return this.signedOb2(credential as string, signedOb2, email);
    if (isCompactJws(credential) || (typeof credential === 'object' && credential !== null && !isOb2Assertion(credential) && !legacyValidator.isOldAssertion(credential) && '@context' in credential)) {
      return this.vc(credential);
    }
    if (isOb2Assertion(credential)) {
      const r = checkOb2(credential, requireEmail(email), { now: this.now() });
      return { format: 'ob2', verification: 'ob2-offline-shape+recipient', verified: r.problems.length === 0 && r.recipientMatches, trusted: false,
        trustEntryId: null, issuer: issuerOf(credential) ?? null, name: badgeName(credential), checks: r };
    }
    if (typeof credential === 'object' && credential !== null) {
      const errors = legacyValidator.assertion(credential);
      const badge = asJsonObject((credential as JsonObject).badge);
      return { format: 'ob1', verification: 'openbadges-validator:offline-structure', verified: errors === null, trusted: false, trustEntryId: null,
        issuer: str(asJsonObject(badge?.issuer)?.origin) ?? null, name: str(badge?.name),
        checks: { errors, notes: ['structure only: linked badge class, issuer and hosted assertion URLs are not fetched offline'] } };
    }
    throw invalidField('/body/credential', 'unrecognised_credential', 'expected a W3C VC (JSON or JWT), an Open Badges 2.0 assertion (JSON or signed JWS) or a 1.x assertion');
  }

  private async vc(credential: unknown): Promise<Judged> {
    const r = await this.verifier.verify(credential);
    const judged = await this.vcJudged(r);
    if (!r.summary.types.includes('ClrCredential')) return judged;
    return { ...judged, format: 'clr', parts: await this.clrParts(r.credential, judged) };
  }

  private async vcJudged(r: VerificationReport): Promise<Judged> {
    const failedBeyondTrust = r.errors.filter((e) => e.check !== 'issuer');
    const issuer = r.summary.issuer.id ?? null;
    const entry = r.summary.issuer.known && issuer ? await this.trust.active(issuer) : undefined;
    return { format: r.summary.types.includes('AchievementCredential') || r.summary.types.includes('OpenBadgeCredential') ? 'ob3' : 'w3c-vc',
      verification: `w3c-vc:${r.summary.format}`, verified: failedBeyondTrust.length === 0, trusted: r.summary.issuer.known,
      trustEntryId: entry?.id ?? null, issuer, name: r.summary.name ?? null, checks: r.results };
  }

  /**
   * The achievement credentials a CLR 2.0 bundles (ClrSubject.verifiableCredential; an enveloped
   * JWT is its JWS text), each verified on its own. A bundled credential whose own issuer the bank
   * does not know is trusted through the CLR's issuer when the CLR verified and that issuer is
   * trusted: a credit bank vouches for the transcript it signs. Its status and dates must still hold,
   * and its proof too when its key can be resolved (the bank's own issuers, the trust list, did:key),
   * so a CLR cannot make a revoked credential count, nor one altered after its issuer signed it.
   */
  private async clrParts(clr: JsonObject | undefined, outer: Judged): Promise<JudgedPart[]> {
    const bundled = bundledCredentials(clr);
    if (bundled.length > MAX_CLR_PARTS) {
      throw invalidField('/body/credential', 'clr_too_large', `a CLR may bundle at most ${MAX_CLR_PARTS} credentials to import; this one bundles ${bundled.length}`);
    }
    const reports = await this.verifier.verifyMany(bundled);
    const vouching = outer.verified && outer.trusted;
    return Promise.all(bundled.map(async (part, i) => {
      const own = await this.vcJudged(reports[i]!);
      const original = partOriginal(part);
      const format = reports[i]!.summary.types.includes('ClrCredential') ? 'clr' : own.format; // a CLR inside a CLR is kept, not opened
      if (own.trusted || !vouching) return { ...own, format, original };
      // Vouched for: the issuer's key may be unknown here (its proof cannot be checked offline), but
      // the CLR's proof covers every byte of it; any other failure, a wrong signature included, stands.
      const r = reports[i]!;
      const uncheckable = r.results.some((c) => c.check === 'proof' && c.code === 'key_not_found');
      const failed = r.errors.filter((e) => e.check !== 'issuer' && !(e.check === 'proof' && uncheckable));
      return { ...own, format, original, verified: failed.length === 0, trusted: true, trustEntryId: outer.trustEntryId, verification: `${own.verification}+clr-issuer` };
    }));
  }

  private async signedOb2(jws: string, assertion: JsonObject, email: string | undefined): Promise<Judged> {
    const address = requireEmail(email);
    const s = await verifySignedOb2(jws, assertion, (keyId) => this.trust.ob2Key(keyId));
    const r = checkOb2(assertion, address, { signed: true, now: this.now() });
    const problems = [...s.problems, ...r.problems];
    const trusted = s.entry.status === 'active';
    return { format: 'ob2', verification: `ob2-signed:${s.alg}`, verified: s.signatureValid && problems.length === 0 && r.recipientMatches,
      trusted, trustEntryId: trusted ? s.entry.id : null, issuer: issuerOf(assertion) ?? s.entry.issuerId, name: badgeName(assertion),
      checks: { signature: { valid: s.signatureValid, alg: s.alg, creator: s.creator, trustEntryId: s.entry.id }, problems, recipientMatches: r.recipientMatches, notes: r.notes } };
  }
}

function requireEmail(email: string | undefined): string {
  if (!email) throw invalidField('/body/email', 'email_required', 'an Open Badges 2.0 import needs the email the badge was issued to');
  return email;
}

function badgeName(a: JsonObject): string | null {
  return str(asJsonObject(a.badge)?.name);
}
