import type { Executor } from '../../db/database.js';
import { invalidField } from '../../errors.js';
import type { EngineAchievement } from '../engine/index.js';
import { toEngineImport, type KnownReference } from './imported-achievement.js';

interface ImportRow {
  id: string; learner_id: string; format: string; verification: string; verified: boolean; trusted_issuer: boolean;
  issuer: string | null; original: string; digest: string; created_at: Date; trust_entry_id: string | null; institution_id: string | null;
}

/** Imports chosen for recognition, as the engine sees them, and which of their sources are bank institutions. */
export interface ImportInputs {
  achievements: EngineAchievement[];
  /** Source ids that are bank institutions, and those that are trust-list entries (the rest: the bank itself). */
  institutionSources: Set<string>;
  trustEntrySources: Set<string>;
  /** Per import, the evidence line a decision resting on it cites: the import and its original's SHA-256. */
  evidence: Map<string, string>;
}

/** How a decision cites the import it rests on: the ledger entry of the decision then commits to the exact credential. */
export const importEvidence = (r: { id: string; digest: string }): string => `credential-import:${r.id} sha256:${r.digest}`;

/** Why an import may not be used for recognition, or undefined when it may (verified, issuer trusted at import). */
export function notCountingReason(r: Pick<ImportRow, 'format' | 'verification' | 'verified' | 'trusted_issuer' | 'issuer'>): string | undefined {
  if (r.format === 'ob1') return 'an Open Badges 1.x assertion is only checked for structure offline, never verified';
  if (r.format === 'clr') return 'a CLR transcript counts through the credentials it bundles: choose their imports (each names this one in partOf)';
  if (!r.verified) return `the credential did not verify (${r.verification})`;
  if (!r.trusted_issuer) {
    return r.verification.startsWith('ob2-offline') ? 'a hosted Open Badges 2.0 assertion cannot be verified offline against a trusted key'
      : `its issuer ${r.issuer ?? '(unnamed)'} was not on the bank's trust list when it was imported`;
  }
  return undefined;
}

/** The learner's imports with these ids, in one query; an issuer that is a bank institution is resolved by its DID. */
async function importRows(db: Executor, learnerId: string, ids: string[]): Promise<ImportRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('credential_imports as c').leftJoin('institutions as i', 'i.did', 'c.issuer')
    .select(['c.id', 'c.learner_id', 'c.format', 'c.verification', 'c.verified', 'c.trusted_issuer', 'c.issuer', 'c.original', 'c.digest', 'c.created_at',
      'c.trust_entry_id', 'i.id as institution_id'])
    .where('c.learner_id', '=', learnerId).where('c.id', 'in', ids).execute();
}

/**
 * The learner's chosen imports for a request or preview. An id that is not this learner's import,
 * or an import that does not count for recognition, is refused (422 naming the list position).
 * Trust was judged at import time and is not re-judged: a later removal from the trust list does
 * not take away what the import counted for, as the trust list's removal rule says.
 */
export async function chosenImports(db: Executor, learnerId: string, ids: string[], known: KnownReference, field = '/body/importIds'): Promise<ImportInputs> {
  const unique = [...new Set(ids)];
  const rows = new Map((await importRows(db, learnerId, unique)).map((r) => [r.id, r]));
  const achievements: EngineAchievement[] = [];
  const institutionSources = new Set<string>();
  const trustEntrySources = new Set<string>();
  const evidence = new Map<string, string>();
  unique.forEach((id) => {
    const r = rows.get(id);
    const at = `${field}/${ids.indexOf(id)}`;
    if (!r) throw invalidField(at, 'unknown_import', `No credential import ${id} in this learner's record`);
    const why = notCountingReason(r);
    if (why) throw invalidField(at, 'import_not_counting', `Import ${id} does not count for recognition: ${why}`);
    const sourceId = r.trust_entry_id ?? r.institution_id ?? r.issuer ?? 'unknown';
    if (r.trust_entry_id !== null) trustEntrySources.add(r.trust_entry_id);
    else if (r.institution_id !== null) institutionSources.add(r.institution_id);
    evidence.set(r.id, importEvidence(r));
    achievements.push(toEngineImport({ id: r.id, learnerId: r.learner_id, format: r.format, original: r.original, importedAt: r.created_at, sourceId }, known));
  });
  return { achievements, institutionSources, trustEntrySources, evidence };
}

/**
 * What a reviewer's grant from an import item rests on: the import, and its issuer when that is a
 * bank institution. Imports are never deleted and trust is never re-judged, so one that counted
 * when the request was made still counts.
 */
export async function importGrantSources(db: Executor, learnerId: string, importId: string) {
  const [r] = await importRows(db, learnerId, [importId]);
  if (!r) return undefined;
  return {
    achievementIds: [], importIds: [r.id], institutionIds: r.trust_entry_id === null && r.institution_id !== null ? [r.institution_id] : [],
    trustEntryIds: r.trust_entry_id === null ? [] : [r.trust_entry_id],
    evidence: importEvidence(r),
  };
}
