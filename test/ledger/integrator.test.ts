import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MerkleFrontier, decodeProofHashes, hashFromBase64, leafHashOf, toBase64, verifyConsistency, verifyInclusion, verifyTreeHead,
} from '../../src/ledger/merkle/index.js';
import { resolverFromJwks } from '../../src/ledger/tree-head-keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { onPostgres } from '../helpers/test-db.js';
import { SMALL_LEDGER, appendEvent, appendEvents } from './ledger-fixture.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp({ config: SMALL_LEDGER }); });
afterAll(async () => t.close());

const ledger = () => t.ctx.ledgerService;

async function allHeads() {
  return (await ledger().treeHeads(undefined, 500)).items;
}

describe('ledger integrator', () => {
  it('assigns contiguous leaf indexes in batches and signs heads that match the recomputed tree', async () => {
    // 22 events, then the key.created entry of the tree-head key the integrator creates on first use.
    await appendEvents(t.ctx, 22);
    const result = await ledger().integrate();
    expect(result).toMatchObject({ busy: false, integrated: 23, treeSize: 23 });
    const { entries } = await ledger().entries(0, 100);
    expect(entries.map((e) => e.index)).toEqual([...Array(23).keys()]);
    const heads = await allHeads();
    // First batch of 7 (no head yet), 21 (≥ 10 since 7), and the final size of an explicit run.
    expect(heads.map((h) => h.treeSize)).toEqual([7, 21, 23]);
    const resolve = resolverFromJwks(await ledger().jwks());
    for (const head of heads) {
      expect((await verifyTreeHead(head, resolve)).ok).toBe(true);
      const frontier = MerkleFrontier.empty();
      for (const e of entries.slice(0, head.treeSize)) {
        expect(toBase64(leafHashOf(e))).toBe(e.leafHash);
        frontier.append(leafHashOf(e));
      }
      expect(toBase64(frontier.root())).toBe(head.rootHash);
    }
  });

  it('serves inclusion proofs for every entry at every signed size and consistency proofs between every pair', async () => {
    const heads = await allHeads();
    const { entries } = await ledger().entries(0, 100);
    for (const head of heads) {
      const root = hashFromBase64(head.rootHash)!;
      for (const e of entries.slice(0, head.treeSize)) {
        const { proof } = await ledger().inclusion({ index: e.index }, head.treeSize);
        expect(verifyInclusion(e.index, head.treeSize, leafHashOf(e), decodeProofHashes(proof.hashes)!, root)).toBe(true);
      }
      for (const older of heads.filter((h) => h.treeSize <= head.treeSize)) {
        const proof = await ledger().consistency(older.treeSize, head.treeSize);
        expect(verifyConsistency(older.treeSize, head.treeSize, hashFromBase64(older.rootHash)!, root, decodeProofHashes(proof.hashes)!)).toBe(true);
      }
    }
  });

  it('gives an entry whose lower id committed late the next leaf index, never a reused one', async () => {
    // Simulates a transaction that drew its id early and committed after later ids were integrated.
    const late = await appendEvent(t.ctx);
    await ledger().integrate();
    const lowId = late.id - 1000;
    await sql`insert into ledger_entries (id, subject_ref, event_type, actor, recorded_at, body_digest, resource_type, resource_id)
      select ${lowId}, subject_ref, event_type, actor, recorded_at, body_digest, resource_type, 'late' from ledger_entries where id = ${late.id}`.execute(t.ctx.db);
    const before = (await ledger().latestTreeHead()).treeSize;
    await ledger().integrate();
    expect((await ledger().entryFor('test_thing', 'late'))).toEqual({ entryId: lowId, leafIndex: before });
    expect((await ledger().entryFor('test_thing', late.resourceId))?.leafIndex).toBe(before - 1);
  });

  it.skipIf(!onPostgres)('integrates a transaction that drew its id first but committed last after the later one (PostgreSQL)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let appended!: (id: number) => void;
    const early = new Promise<number>((resolve) => { appended = resolve; });
    const slow = t.ctx.db.transaction().execute(async (trx) => {
      appended((await appendEvent(t.ctx, { trx, resourceId: 'slow' })).id);
      await gate;
    });
    const slowId = await early;
    try {
      const fast = await appendEvent(t.ctx, { resourceId: 'fast' });
      expect(fast.id).toBeGreaterThan(slowId);
      await ledger().integrate();
      // Uncommitted: invisible to the integrator, so it cannot leave a hole in the tree.
      expect(await ledger().entryFor('test_thing', 'slow')).toBeUndefined();
    } finally {
      release();
      await slow;
    }
    await ledger().integrate();
    const fastIndex = (await ledger().entryFor('test_thing', 'fast'))!.leafIndex!;
    expect((await ledger().entryFor('test_thing', 'slow'))!.leafIndex).toBe(fastIndex + 1);
  });

  it('signs nothing when idle, and only every N entries or T seconds on the timer policy', async () => {
    const size = (await ledger().latestTreeHead()).treeSize;
    expect(await ledger().integrate()).toMatchObject({ integrated: 0, headsSigned: 0, treeSize: size });
    await appendEvents(t.ctx, 3);
    expect(await ledger().integrate({ heads: 'when-due' })).toMatchObject({ integrated: 3, headsSigned: 0 });
    await appendEvents(t.ctx, 7);
    expect(await ledger().integrate({ heads: 'when-due' })).toMatchObject({ integrated: 7, headsSigned: 1, treeSize: size + 10 });
  });

  it('answers entryFor and inclusionFor for other domains, null leaf index while pending', async () => {
    const pending = await appendEvent(t.ctx, { resourceType: 'credential', resourceId: 'cred-1' });
    expect(await ledger().entryFor('credential', 'cred-1')).toEqual({ entryId: pending.id, leafIndex: null });
    expect(await ledger().inclusionFor(pending.id)).toBeUndefined();
    await ledger().integrate();
    const answer = (await ledger().inclusionFor(pending.id))!;
    expect(answer.entry.entryId).toBe(pending.id);
    expect(answer.treeHead?.treeSize).toBe(answer.proof.treeSize);
  });

  it('lets only one integrator hold the lock at a time', async () => {
    // PGlite has one connection, so the competing holder must be this same session's transaction.
    const outcome = await t.ctx.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${0x1ed6e7}::bigint)`.execute(trx);
      if (t.database.url === undefined) return 'skipped';
      await appendEvent(t.ctx);
      return (await ledger().integrate()).busy;
    });
    expect([true, 'skipped']).toContain(outcome);
  });
});
