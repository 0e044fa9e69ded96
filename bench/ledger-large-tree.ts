import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/database.js';
import type { LedgerService } from '../src/ledger/ledger.service.js';
import { MerkleFrontier, hashLeaf, type StoredNode } from '../src/ledger/merkle/index.js';
import { insertNodes } from '../src/ledger/ledger.repository.js';

const CHUNK = 50_000;
const frontiers = new WeakMap<object, MerkleFrontier>();

/**
 * Grows a synthetic, already-integrated tree from `from` to `to` leaves fast: leaf hashes and
 * perfect nodes are computed in memory with MerkleFrontier and batch-inserted (one statement per
 * 50,000 entries), the way the integrator would have stored them. Returns leaves per second.
 */
export async function growTree(db: Kysely<Database>, from: number, to: number): Promise<number> {
  const frontier = frontiers.get(db) ?? MerkleFrontier.empty();
  frontiers.set(db, frontier);
  if (frontier.size !== from) throw new Error('tree out of step');
  const started = performance.now();
  for (let start = from; start < to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK);
    const hashes: string[] = [];
    const nodes: StoredNode[] = [];
    for (let i = start; i < end; i++) {
      const input = Buffer.alloc(8);
      input.writeBigUInt64BE(BigInt(i));
      const leaf = hashLeaf(input);
      nodes.push(...frontier.append(leaf));
      hashes.push(Buffer.from(leaf).toString('hex'));
    }
    await sql`insert into ledger_entries (id, subject_ref, event_type, actor, recorded_at, body_digest, resource_type, resource_id, leaf_index, leaf_hash)
      select i + 1, 'bench', 'bench.event', 'operator:bench', now(), 'd', 'bench', i::text, i, decode(h, 'hex')
      from unnest(${Array.from({ length: end - start }, (_, k) => start + k)}::bigint[], ${hashes}::text[]) as v(i, h)`.execute(db);
    await insertNodes(db, nodes);
  }
  return (to - from) / ((performance.now() - started) / 1000);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Median and p95 of the service's inclusion and consistency proofs at random positions in a tree of `size`. */
export async function proofLatency(ledger: LedgerService, size: number, samples: number) {
  await ledger.integrate(); // signs a head of this size (and checks the stored right edge)
  const rand = (n: number) => Math.floor(Math.random() * n);
  const inclusion: number[] = [];
  const consistency: number[] = [];
  for (let i = 0; i < samples; i++) {
    let t0 = performance.now();
    await ledger.inclusion({ index: rand(size) }, size);
    inclusion.push(performance.now() - t0);
    t0 = performance.now();
    await ledger.consistency(1 + rand(size - 1), size);
    consistency.push(performance.now() - t0);
  }
  inclusion.sort((a, b) => a - b);
  consistency.sort((a, b) => a - b);
  return {
    inclusion: { p50: percentile(inclusion, 0.5), p95: percentile(inclusion, 0.95) },
    consistency: { p50: percentile(consistency, 0.5), p95: percentile(consistency, 0.95) },
  };
}
