import type { JsonObject } from '../core/did-key.js';
import { isJsonObject } from '../core/credential-fields.js';
import { presentedCredentials, verifyPresentationProof } from '../core/presentations.js';
import type { VerificationReport } from './check-results.js';
import type { VerifierService } from './verifier.service.js';

export interface PresentationReport {
  verified: boolean;
  checks: string[];
  warnings: { check: string; code?: string; message: string }[];
  errors: { check: string; code?: string; message: string }[];
  credentials: VerificationReport[];
}

/**
 * VC-API presentation verification: the holder's authentication proof (challenge/domain) when the
 * presentation is signed, then every credential inside through the full credential verifier.
 */
export async function verifyPresentationReport(
  verifier: VerifierService, vp: unknown, options: { challenge?: string; domain?: string } = {},
): Promise<PresentationReport> {
  const warnings: PresentationReport['warnings'] = [];
  const errors: PresentationReport['errors'] = [];
  const checks: string[] = [];
  if (typeof vp !== 'object' || vp === null || Array.isArray(vp)) {
    return { verified: false, checks, warnings, errors: [{ check: 'presentation', code: 'malformed', message: 'expected a presentation object' }], credentials: [] };
  }
  const presentation = vp as JsonObject;
  const loader = verifier.documentLoader();
  if (presentation.proof !== undefined) {
    // Any value but undefined claims a holder proof; one that is not a proof object fails as malformed below.
    const proof = isJsonObject(presentation.proof) ? presentation.proof : {};
    const challenge = options.challenge ?? (typeof proof.challenge === 'string' ? proof.challenge : '');
    if (!options.challenge) warnings.push({ check: 'presentation', code: 'no_challenge', message: 'no challenge was given; replay cannot be ruled out' });
    // Only the holder's proof here: each credential's proof is checked once, by the full verifier below.
    const r = await verifyPresentationProof(presentation, { documentLoader: loader, challenge, domain: options.domain });
    if (r.verified) checks.push('presentation');
    else errors.push({ check: 'presentation', code: r.errors[0]?.code.toLowerCase(), message: r.errors[0]?.message ?? 'presentation proof failed' });
  } else {
    warnings.push({ check: 'presentation', code: 'unsigned', message: 'the presentation carries no holder proof' });
  }
  // All together: the proof checks spread over the signing threads, so a presentation of many
  // credentials (a transcript's worth) uses every thread, and one database read serves them all.
  const credentials: VerificationReport[] = await verifier.verifyMany(presentedCredentials(presentation), loader);
  credentials.forEach((r, i) => { if (!r.verified) errors.push({ check: `credential[${i}]`, code: r.reason, message: r.errors[0]?.message ?? 'failed' }); });
  if (credentials.length > 0 && credentials.every((r) => r.verified)) checks.push('credentials');
  return { verified: errors.length === 0, checks, warnings, errors, credentials };
}
