import { createHash, randomUUID } from 'node:crypto';
import legacyValidator from 'openbadges-validator';
import type { Actor } from '../../auth/principal.js';
import { assertIsLearner } from '../../auth/policy.js';
import { recordWrite } from '../../audit-trail/audit-trail.repository.js';
import type { Db } from '../../db/database.js';
import { invalidField } from '../../errors.js';
import type { LedgerWriter } from '../../ledger/ledger-writer.js';
import type { JsonObject } from '../core/did-key.js';
import { isCompactJws } from '../core/suites.js';
import type { VerifierService } from '../verify/verifier.service.js';
import { checkOb2, isOb2Assertion } from './ob2-checks.js';
import { importedBody } from '../ledger/event-bodies.js';

export interface ImportResult {
  id: string; created: boolean; format: string; verification: string; verified: boolean;
  trustedIssuer: boolean; countsForRecognition: boolean; issuer: string | null; name: string | null; checks: unknown;
}

interface Judged { format: string; verification: string; verified: boolean; trusted: boolean; issuer: string | null; name: string | null; checks: unknown }

/**
 * Credentials a learner brings from elsewhere. The original is kept verbatim as evidence with how
 * it was verified; only a verified W3C VC / OB 3.0 from an issuer on the trust list counts for
 * recognition. OB 2.0 and OB 1.x are checked offline: hosted assertions are not re-fetched.
 */
export class ImportService {
  constructor(private readonly db: Db, private readonly verifier: VerifierService, private readonly ledger: LedgerWriter,
    private readonly now: () => Date) {}

  async import(learnerId: string, input: { credential: unknown; email?: string }, actor: Actor): Promise<ImportResult> {
    if (actor.principal.kind === 'learner') assertIsLearner(actor.principal, learnerId);
    const original = typeof input.credential === 'string' ? input.credential.trim() : JSON.stringify(input.credential);
    const digest = createHash('sha256').update(original).digest('hex');
    const existing = await this.db.selectFrom('credential_imports').selectAll().where('learner_id', '=', learnerId).where('digest', '=', digest).executeTakeFirst();
    if (existing) return { ...view(existing), created: false };
    const j = await this.judge(input.credential, input.email);
    const at = this.now();
    const id = randomUUID();
    const row = { learner_id: learnerId, id, digest, format: j.format, verification: j.verification, verified: j.verified, trusted_issuer: j.trusted,
      issuer: j.issuer, name: j.name, original, checks: JSON.stringify(j.checks), created_at: at };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('credential_imports').values(row).execute();
      await recordWrite(trx, actor, { action: 'credential.import', resourceType: 'credential_import', resourceId: id, learnerId, detail: { format: j.format, verified: j.verified } }, at);
      await this.ledger.append(trx, { eventType: 'credential.imported', actor, learnerId, resourceType: 'credential_import', resourceId: id,
        body: importedBody(row), at });
    });
    return { ...view({ ...row, checks: j.checks }), created: true };
  }

  private async judge(credential: unknown, email: string | undefined): Promise<Judged> {
    if (isCompactJws(credential) || (typeof credential === 'object' && credential !== null && !isOb2Assertion(credential) && !legacyValidator.isOldAssertion(credential) && '@context' in credential)) {
      const r = await this.verifier.verify(credential);
      const failedBeyondTrust = r.errors.filter((e) => e.check !== 'issuer');
      return { format: r.summary.types.includes('AchievementCredential') || r.summary.types.includes('OpenBadgeCredential') ? 'ob3' : 'w3c-vc',
        verification: `w3c-vc:${r.summary.format}`, verified: failedBeyondTrust.length === 0, trusted: r.summary.issuer.known,
        issuer: r.summary.issuer.id ?? null, name: r.summary.name ?? null, checks: r.results };
    }
    if (isOb2Assertion(credential)) {
      if (!email) throw invalidField('/body/email', 'email_required', 'an Open Badges 2.0 import needs the email the badge was issued to');
      const r = checkOb2(credential, email);
      const badge = credential.badge as JsonObject | string;
      return { format: 'ob2', verification: 'ob2-offline-shape+recipient', verified: r.problems.length === 0 && r.recipientMatches, trusted: false,
        issuer: typeof badge === 'object' ? String((badge.issuer as JsonObject | undefined)?.id ?? badge.issuer ?? '') || null : null,
        name: typeof badge === 'object' ? String(badge.name ?? '') || null : null, checks: r };
    }
    if (typeof credential === 'object' && credential !== null) {
      const errors = legacyValidator.assertion(credential);
      const a = credential as JsonObject;
      const badge = a.badge as JsonObject | undefined;
      return { format: 'ob1', verification: 'openbadges-validator:offline-structure', verified: errors === null, trusted: false,
        issuer: typeof badge === 'object' ? String((badge.issuer as JsonObject | undefined)?.origin ?? '') || null : null,
        name: typeof badge === 'object' ? String(badge.name ?? '') || null : null,
        checks: { errors, notes: ['structure only: linked badge class, issuer and hosted assertion URLs are not fetched offline'] } };
    }
    throw invalidField('/body/credential', 'unrecognised_credential', 'expected a W3C VC (JSON or JWT), an Open Badges 2.0 or 1.x assertion');
  }
}

function view(r: { id: string; format: string; verification: string; verified: boolean; trusted_issuer: boolean; issuer: string | null; name: string | null; checks: unknown }) {
  return { id: r.id, format: r.format, verification: r.verification, verified: r.verified, trustedIssuer: r.trusted_issuer,
    countsForRecognition: r.verified && r.trusted_issuer && (r.format === 'ob3' || r.format === 'w3c-vc'), issuer: r.issuer, name: r.name, checks: r.checks };
}
