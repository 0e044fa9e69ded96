import { readFile } from 'node:fs/promises';
import { achievementEventBody } from '../../records/achievement-rows.js';
import { checkInclusion, type AuditEntry } from '../audit/index.js';
import {
  MerkleFrontier, buildInclusionProof, eventBodyDigest, inclusionProofToJson, leafHashOf, nodeKey, planInclusion,
  type InclusionProofJson, type KeyResolver, type SignedTreeHead,
} from '../merkle/index.js';
import { resolverFromJwks } from '../tree-head-keys.js';
import { fetchJson, fileSource, type GetJson } from './ledger-source.js';

/** One logged event a document in hand implies: its body, rebuilt from the document alone. */
export interface DocumentEvent { label: string; entryId: number; body: unknown }

export interface Located { entry: AuditEntry & { entryId?: number }; proof: InclusionProofJson; head: SignedTreeHead | null }

/** Finds entries with an inclusion proof and the keys to check the head: a bank's routes, or a ledger export. */
export interface EntryFinder { find(entryIds: number[]): Promise<Map<number, Located>>; resolveKey(): Promise<KeyResolver> }

interface ExportedVersion {
  version: number; action: 'deposit' | 'correction' | 'revocation'; supersedes: number | null; content: unknown;
  reason: string | null; actor: string; recordedAt: string; ledgerEntryId: number;
}

/**
 * Each version of each achievement of a learner's record export (`GET /learners/{id}/record/export`)
 * with the event body the records domain logged for it, rebuilt from the exported fields only.
 */
export function recordExportEvents(doc: unknown): DocumentEvent[] {
  const d = doc as { learner?: { id?: string }; achievements?: { id: string; history: ExportedVersion[] }[] };
  if (!d?.learner?.id || !Array.isArray(d.achievements)) throw new Error('not a record export: learner.id and achievements[] are required');
  return d.achievements.flatMap((a) => a.history.map((v) => ({
    label: `achievement ${a.id} version ${v.version} (${v.action})`, entryId: v.ledgerEntryId,
    body: {
      ...achievementEventBody({
        learner_id: d.learner!.id!, achievement_id: a.id, version: v.version, action: v.action, supersedes: v.supersedes,
        reason: v.reason, actor: v.actor, recorded_at: new Date(v.recordedAt), catalogue_item_id: null, learning: null, result: null,
        credits: null, credit_system_id: null, completed_on: null, term: null, assessment_mode: null, evidence_url: null, evidence_sha256: null,
      }),
      // The exported content is the same object contentOf built from the row at write time.
      content: v.action === 'revocation' ? null : v.content,
    },
  })));
}

export function httpFinder(baseUrl: string, get: GetJson = fetchJson): EntryFinder {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async find(ids) {
      const out = new Map<number, Located>();
      for (const id of ids) {
        const a = (await get(`${base}/ledger/proofs/inclusion?entryId=${id}`).catch(() => undefined)) as { entry: Located['entry']; proof: InclusionProofJson; treeHead: SignedTreeHead | null } | undefined;
        if (a) out.set(id, { entry: a.entry, proof: a.proof, head: a.treeHead });
      }
      return out;
    },
    resolveKey: async () => resolverFromJwks((await get(`${base}/ledger/keys`)) as never),
  };
}

/**
 * Inclusion proofs computed from a ledger export with no server: the entries are streamed twice
 * (find the wanted ones, then collect the subtree hashes their proofs need) against the largest
 * signed head, whose signature the caller checks.
 */
export function exportFinder(path: string): EntryFinder {
  const source = fileSource(path);
  return {
    async find(ids) {
      const heads = await source.heads();
      const head = heads.reduce<SignedTreeHead | undefined>((best, h) => (!best || h.treeSize > best.treeSize ? h : best), undefined);
      const out = new Map<number, Located>();
      if (!head) return out;
      const wanted = new Set(ids);
      const found = new Map<number, AuditEntry & { entryId?: number }>();
      for await (const e of source.entries()) {
        const id = (e as { entryId?: number }).entryId;
        if (id !== undefined && wanted.has(id) && e.index < head.treeSize) found.set(id, e);
      }
      const needed = new Set([...found.values()].flatMap((e) => planInclusion(e.index, head.treeSize).map((n) => nodeKey(n.level, n.index))));
      const nodes = new Map<string, Uint8Array>();
      const frontier = MerkleFrontier.empty();
      for await (const e of source.entries()) {
        if (frontier.size >= head.treeSize) break;
        const leaf = leafHashOf(e);
        if (needed.has(nodeKey(0, frontier.size))) nodes.set(nodeKey(0, frontier.size), leaf);
        for (const n of frontier.append(leaf)) if (needed.has(nodeKey(n.level, n.index))) nodes.set(nodeKey(n.level, n.index), n.hash);
      }
      for (const [id, e] of found) {
        try {
          out.set(id, { entry: e, head, proof: inclusionProofToJson(e.index, head.treeSize, buildInclusionProof(e.index, head.treeSize, nodes)) });
        } catch {
          // A node is missing: the export lacks entries the head covers; reported as not found.
        }
      }
      return out;
    },
    resolveKey: async () => resolverFromJwks(await source.jwks()),
  };
}

export interface EventResult { label: string; entryId: number; ok: boolean; reason?: string; leafIndex?: number; treeSize?: number }

/** For each event: its digest must be the logged entry's, and that entry must be in a validly signed tree. */
export async function checkDocumentEvents(events: DocumentEvent[], finder: EntryFinder): Promise<{ ok: boolean; results: EventResult[] }> {
  const located = await finder.find([...new Set(events.map((e) => e.entryId))]);
  const resolveKey = await finder.resolveKey();
  const results: EventResult[] = [];
  for (const ev of events) {
    const at = located.get(ev.entryId);
    const base = { label: ev.label, entryId: ev.entryId };
    if (!at) { results.push({ ...base, ok: false, reason: `entry ${ev.entryId} is not in the log under a signed tree head` }); continue; }
    const digest = eventBodyDigest(ev.body);
    if (digest !== at.entry.bodyDigest) {
      results.push({ ...base, ok: false, reason: `the document was altered after it was logged: its body digest ${digest} differs from the logged ${at.entry.bodyDigest}` });
      continue;
    }
    if (!at.head) { results.push({ ...base, ok: false, reason: 'no signed tree head covers the entry yet' }); continue; }
    const check = await checkInclusion(at.entry, at.proof, at.head, resolveKey);
    results.push(check.ok ? { ...base, ok: true, leafIndex: at.entry.index, treeSize: check.head.treeSize } : { ...base, ok: false, reason: check.reason });
  }
  return { ok: results.every((r) => r.ok), results };
}

export async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}
