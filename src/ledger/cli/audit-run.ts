import { auditLog, checkInclusion, type AuditEntry, type AuditReport, type InclusionCheck } from '../audit/index.js';
import type { InclusionProofJson, SignedTreeHead } from '../merkle/index.js';
import { resolverFromJwks } from '../tree-head-keys.js';
import { fetchJson, type GetJson, type LedgerSource } from './ledger-source.js';
import { counted, type Progress } from './progress.js';

export interface TimedAudit {
  report: AuditReport;
  seconds: number;
  entriesPerSecond: number;
}

/** Download (or read) everything, recompute the tree, check every head: stop at the first inconsistency. */
export async function runAudit(source: LedgerSource, progress?: Progress): Promise<TimedAudit> {
  const started = performance.now();
  const [jwks, heads] = await Promise.all([source.jwks(), source.heads()]);
  progress?.setTotal(heads.reduce((max, h) => Math.max(max, h.treeSize), 0));
  const entries = progress ? counted(source.entries(), progress) : source.entries();
  const report = await auditLog({ entries, heads, resolveKey: resolverFromJwks(jwks) });
  progress?.stop();
  const seconds = (performance.now() - started) / 1000;
  return { report, seconds, entriesPerSecond: seconds > 0 ? report.entriesChecked / seconds : 0 };
}

/** Human-readable lines for the operator or auditor. */
export function formatAudit(source: string, { report, seconds, entriesPerSecond }: TimedAudit): string[] {
  const lines = [
    `Ledger audit of ${source}`,
    `  entries checked:  ${report.entriesChecked} (${Math.round(entriesPerSecond)} entries/s, ${seconds.toFixed(2)} s)`,
    `  tree heads:       ${report.headsChecked} signatures and roots checked`,
    `  recomputed tree:  size ${report.treeSize}, root ${report.rootHash}`,
  ];
  if (report.ok) return [...lines, 'OK: every entry, root and signature is consistent; the log was not rewritten.'];
  const p = report.problem!;
  lines.push(`FAILED (${p.kind}): ${p.message}`);
  if (p.entryIndex !== undefined) lines.push(`  entry index: ${p.entryIndex}`);
  if (p.treeSize !== undefined) lines.push(`  tree size:   ${p.treeSize}`);
  if (p.expected !== undefined) lines.push(`  expected:    ${p.expected}`);
  if (p.found !== undefined) lines.push(`  found:       ${p.found}`);
  if (p.suspectRange) lines.push(`  suspect entries: ${p.suspectRange.from}…${p.suspectRange.to - 1} (earlier ones are proven)`);
  return lines;
}

export type EntrySelector = { entryId: number } | { resourceType: string; resourceId: string };

export interface InclusionRun {
  check: InclusionCheck;
  entry?: AuditEntry & { entryId?: number };
  proof?: InclusionProofJson;
  head?: SignedTreeHead | null;
}

/**
 * Is this credential or record event in the log? Fetches the entry's inclusion proof and the
 * bank's keys, then checks the signed head and the proof with the pure verifiers only.
 */
export async function runInclusion(baseUrl: string, selector: EntrySelector, get: GetJson = fetchJson): Promise<InclusionRun> {
  const base = baseUrl.replace(/\/+$/, '');
  const q = 'entryId' in selector ? `entryId=${selector.entryId}`
    : `resourceType=${encodeURIComponent(selector.resourceType)}&resourceId=${encodeURIComponent(selector.resourceId)}`;
  const answer = (await get(`${base}/ledger/proofs/inclusion?${q}`)) as { entry: AuditEntry & { entryId?: number }; proof: InclusionProofJson; treeHead: SignedTreeHead | null };
  if (!answer.treeHead) return { check: { ok: false, reason: 'no signed tree head covers the proof' }, ...answer, head: null };
  const resolveKey = resolverFromJwks((await get(`${base}/ledger/keys`)) as never);
  const check = await checkInclusion(answer.entry, answer.proof, answer.treeHead, resolveKey);
  return { check, entry: answer.entry, proof: answer.proof, head: answer.treeHead };
}

/** `--resource type:id` → selector (the id may itself contain colons). */
export function parseSelector(opts: { entry?: string; resource?: string }): EntrySelector {
  if (opts.entry !== undefined && /^\d+$/.test(opts.entry)) return { entryId: Number(opts.entry) };
  const at = opts.resource?.indexOf(':') ?? -1;
  if (opts.resource && at > 0) return { resourceType: opts.resource.slice(0, at), resourceId: opts.resource.slice(at + 1) };
  throw new Error('give --entry <id> or --resource <type>:<id>');
}
