import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { controllerDocument } from '../../src/credentials/core/keys.js';
import { VerifierService } from '../../src/credentials/verify/verifier.service.js';
import { chunkSize, PooledSigner } from '../../src/credentials/workers/signing-pool.js';
import { bearer, issueVc, obCredential, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';
import { ISSUER_DID, NOW, issuerKey, sampleCredential } from './core/fixtures.js';

let t: TestApp;
let inst: TestInstitution;
const pool = new PooledSigner(2);
beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => { await pool.close(); await t.close(); });

/** The test database, counting the statements run through it. */
function countingDb(): { db: Kysely<Database>; count: () => number } {
  let n = 0;
  const db = t.ctx.db.withPlugin({ transformQuery: (a) => { n++; return a.node; }, transformResult: async (a) => a.result });
  return { db, count: () => n };
}

describe('verifications that arrive together', () => {
  it('concurrent verifications share one database read, and each gets its own answer', async () => {
    const forms = [{}, { cryptosuite: 'eddsa-jcs-2022' }, { proofFormat: 'vc+jwt' }];
    const issued = await Promise.all(Array.from({ length: 6 }, (_, i) => issueVc(t.app, inst, forms[i % 3], obCredential(inst.did, { name: `Together ${i}` }))));
    await t.app.inject({ method: 'POST', url: `/credentials/${issued[2]!.id}/status`, headers: bearer(inst.token), payload: { action: 'revoke', reason: 'test' } });
    const c = t.ctx.credentials;
    const { db, count } = countingDb();
    const verifier = new VerifierService(db, c.directory, c.lists, () => new Date(), c.signer);
    await verifier.verify(issued[0]!.vc); // the issuer's DID document is now cached, so only the verifier's own reads are counted
    const before = count();
    const reports = await Promise.all(issued.map((x) => verifier.verify(x.vc)));
    // The six proofs go to the two threads as two tasks; the reads of those that come back in one
    // turn of the event loop share a statement, so at most one statement per task.
    expect(count() - before, 'statements for six verifications').toBeLessThanOrEqual(2);
    expect(reports.map((r) => r.reason ?? 'ok')).toEqual(['ok', 'ok', 'credential_revoked', 'ok', 'ok', 'ok']);
    expect(reports.map((r) => r.summary.name)).toEqual(issued.map((_, i) => `Together ${i}`));
  });

  it('proof checks sent together keep each request\'s controller documents when they differ', async () => {
    const [k0, k1] = [await issuerKey(0), await issuerKey(1)];
    const signed = (await pool.signMany([0, 1, 2].map((i) => ({ credential: { ...sampleCredential(), name: `P${i}` }, req: { suite: 'eddsa-jcs-2022' as const, key: k0, now: NOW } }))))
      .map((x) => x.signed);
    const current = { [ISSUER_DID]: controllerDocument(ISSUER_DID, [k0]) };
    const rotated = { [ISSUER_DID]: controllerDocument(ISSUER_DID, [k1]) }; // another request saw the key gone
    const [a, b, c] = await Promise.all([
      pool.verifyProofs([signed[0]], current, NOW), pool.verifyProofs([signed[1]], rotated, NOW),
      pool.verifyProofs([signed[2]], { [ISSUER_DID]: structuredClone(current[ISSUER_DID]!) }, NOW)]);
    expect([a![0]!.verified, b![0]!.verified, c![0]!.verified]).toEqual([true, false, true]);
    expect(b![0]!.errors[0]?.code).toBe('KEY_NOT_FOUND');
  });

  it('a credential whose proof cannot be read fails alone: the others sent with it are still answered', async () => {
    const key = await issuerKey(0);
    const signed = (await pool.signMany([0, 1, 2].map((i) => ({ credential: { ...sampleCredential(), name: `Q${i}` }, req: { suite: 'eddsa-jcs-2022' as const, key, now: NOW } }))))
      .map((x) => x.signed as Record<string, unknown>);
    const documents = { [ISSUER_DID]: controllerDocument(ISSUER_DID, [key]) };
    const broken = [{ ...signed[1], proof: [null] }, { ...signed[1], proof: null }, { ...signed[1], proof: 'signed' }];
    const results = await Promise.all([signed[0], ...broken, signed[2]].map((c) => pool.verifyProofs([c], documents, NOW)));
    expect(results.map((r) => r[0]!.verified)).toEqual([true, false, false, false, true]);
    expect(results.slice(1, 4).map((r) => r[0]!.errors[0]?.code)).toEqual(['MALFORMED', 'MALFORMED', 'MALFORMED']);
  });

  it('cuts n items into tasks that use every thread, several items to a task once there are more items than threads', () => {
    expect([1, 2, 3, 4, 16, 120, 1000].map((n) => chunkSize(n, 2))).toEqual([1, 1, 2, 2, 4, 15, 125]);
    for (let n = 1; n <= 300; n++) {
      for (const threads of [1, 2, 4, 8]) {
        const size = chunkSize(n, threads); const tasks = Math.ceil(n / size);
        expect(tasks, `${n} items, ${threads} threads`).toBeLessThanOrEqual(Math.max(1, threads * 4));
        expect(size, 'no thread gets more than its share').toBeLessThanOrEqual(Math.ceil(n / Math.min(n, threads)));
        if (n > threads) expect(size).toBeGreaterThan(1);
      }
    }
  });
});
