import type { Executor } from '../../db/database.js';
import { canonicalCredits } from '../../records/achievement-rows.js';
import type { NonCatalogueLearning } from '../../records/records.types.js';
import { bilingual, type SourceNames } from '../evaluation/display-names.js';
import { importStatements, type KnownReference } from '../evaluation/imported-achievement.js';
import { itemSubjectRows } from './requests.repository.js';

/**
 * What a request item is about, as its reviewer and its learner read it. By asking an institution to
 * recognise an entry, the learner shows it that entry: a reviewer decides on what it can see here,
 * with no share and no records:read needed.
 */
export interface ItemSubject {
  /** Course title (Chinese first, then English), the title of learning outside the catalogue, or a credential's name. */
  title: string | null;
  code: string | null;
  /** The catalogue kind (course, mooc, …), the learning's source (rpl, work-based, verified-certificate), or 'credential' for an import. */
  kind: string;
  /**
   * A course's institution; for learning outside the catalogue, the institution that deposited it
   * (who issued or assessed it is in `provenance`); for an import, the trust-list entry the bank
   * trusted it by (or, off the list, the issuer's DID or URL as name): for a credential bundled in a
   * peer bank's CLR, that bank's entry, the college that issued it being in `provenance`.
   */
  provider: { id: string | null; name: string | null };
  credits: string | null;
  creditSystemId: string | null;
  result: string | null;
  completedOn: string | null;
  evidence: { url: string; sha256: string | null } | null;
  /**
   * Learning outside the catalogue: who issued or assessed it and how the depositor verified it. An
   * import: its issuer as the credential names it, and how it came (alone, or in a CLR transcript).
   */
  provenance: NonCatalogueLearning['provenance'] | null;
  /** An import: how the bank verified the credential. */
  verification: string | null;
  revoked: boolean;
}

export interface SubjectEntry { learnerId: string; id: string; kind: 'achievement' | 'import' }

export const subjectKey = (learnerId: string, id: string): string => `${learnerId}/${id}`;

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * The subjects of these entries, by subjectKey; an entry that no longer exists has none. With the
 * bank's known reference, an import's credits show when stated in a credit system the bank knows.
 */
export async function itemSubjects(db: Executor, names: SourceNames, entries: SubjectEntry[], known?: KnownReference): Promise<Map<string, ItemSubject>> {
  const keys = (kind: SubjectEntry['kind']) => entries.filter((e) => e.kind === kind).map(({ learnerId, id }) => ({ learnerId, id }));
  const rows = await itemSubjectRows(db, keys('achievement'), keys('import'));
  const sources = await names.of(db, [
    ...rows.achievements.map((r) => r.provider_id ?? r.depositor_id),
    ...rows.imports.flatMap((r) => (r.trust_entry_id ? [r.trust_entry_id] : [])),
  ]);
  const out = new Map<string, ItemSubject>();
  for (const r of rows.achievements) {
    const learning = r.learning === null ? null : json<NonCatalogueLearning>(r.learning);
    const provider = r.provider_id ?? r.depositor_id;
    out.set(subjectKey(r.learner_id, r.id), {
      title: (r.code === null ? bilingual(learning?.title ?? {}) : bilingual({ zh: r.title_zh, en: r.title_en })) ?? null,
      code: r.code, kind: r.item_kind ?? learning?.source ?? 'rpl', provider: { id: provider, name: sources.get(provider) ?? null },
      credits: canonicalCredits(r.credits), creditSystemId: r.credit_system_id, result: r.result, completedOn: r.completed_on,
      evidence: r.evidence_url === null ? null : { url: r.evidence_url, sha256: r.evidence_sha256 },
      provenance: learning?.provenance ?? null, verification: null, revoked: r.revoked,
    });
  }
  for (const r of rows.imports) {
    const stated = importStatements(r.format, r.original, known);
    out.set(subjectKey(r.learner_id, r.id), {
      title: r.name?.trim() || null, code: null, kind: 'credential',
      provider: r.trust_entry_id ? { id: r.trust_entry_id, name: sources.get(r.trust_entry_id) ?? null } : { id: null, name: r.issuer },
      credits: stated.credits, creditSystemId: stated.creditSystemId, result: stated.result, completedOn: stated.completedOn, evidence: null,
      provenance: {
        issuer: stated.issuerName && r.issuer ? `${stated.issuerName} (${r.issuer})` : stated.issuerName ?? r.issuer ?? 'unnamed issuer',
        method: r.part_of ? `bundled in an imported CLR transcript (import ${r.part_of})` : 'imported by the learner',
      },
      verification: r.verified ? r.verification : `${r.verification} (not verified)`, revoked: false,
    });
  }
  return out;
}

/** How a notice names an entry: "DAT101 数据分析 Data Analysis", else what it is and its id. */
export function subjectText(subject: ItemSubject | undefined, entry: Pick<SubjectEntry, 'id' | 'kind'>): string {
  const text = subject ? [subject.code, subject.title].filter((x) => x).join(' ') : '';
  return text || `${entry.kind === 'import' ? 'imported credential' : 'achievement'} ${entry.id}`;
}

/** One entry's notice text (one look-up). */
export async function subjectTextOf(db: Executor, names: SourceNames, entry: SubjectEntry): Promise<string> {
  return subjectText((await itemSubjects(db, names, [entry])).get(subjectKey(entry.learnerId, entry.id)), entry);
}
