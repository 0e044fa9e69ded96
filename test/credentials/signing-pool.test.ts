import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProofSuiteName } from '../../src/credentials/core/proof-result.js';
import { storedDigest } from '../../src/credentials/issuance/issuance.service.js';
import { InlineSigner, PooledSigner } from '../../src/credentials/workers/signing-pool.js';
import { NOW, issuerKey, sampleCredential } from './core/fixtures.js';

const pool = new PooledSigner(2);
afterAll(async () => pool.close());

describe('signing many with stored-form digests', () => {
  it('the worker threads\' digest of each signed credential is the main thread\'s (RFC 8785 text, or the JWS text)', async () => {
    const key = await issuerKey();
    const suites: ProofSuiteName[] = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc+jwt'];
    const items = suites.flatMap((suite) => [0, 1, 2].map((i) => ({
      credential: { ...sampleCredential(), id: `urn:uuid:00000000-0000-4000-8000-00000000000${i}`, name: `名称 ${i} \u2028 "q"` },
      req: { suite, key, now: NOW },
    })));
    for (const signer of [pool, new InlineSigner()]) {
      const out = await signer.signMany(items);
      expect(out).toHaveLength(items.length);
      for (const [n, { signed, storedDigest: digest }] of out.entries()) {
        const expected = typeof signed === 'string'
          ? createHash('sha256').update(signed).digest('hex')
          : createHash('sha256').update(canonicalize(signed)!).digest('hex');
        expect(digest, `${items[n]!.req.suite} #${n}`).toBe(expected);
        expect(digest).toBe(storedDigest(typeof signed === 'string' ? { jwt: signed, document: null } : { jwt: null, document: signed }));
      }
    }
  });

  it('the worker threads\' digest of each presented credential is the one the ledger check would compute', async () => {
    const key = await issuerKey();
    const suites: ProofSuiteName[] = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc+jwt'];
    const signed = await pool.signMany(suites.map((suite) => ({ credential: { ...sampleCredential(), name: '名称 "q"' }, req: { suite, key, now: NOW } })));
    const inputs = [...signed.map((x) => x.signed), ` ${signed[2]!.signed as string}\n`, 'not a credential', 42];
    const results = await pool.verifyProofs(inputs, {}, NOW);
    expect(results.map((r) => r.presentedDigest)).toEqual([...signed.map((x) => x.storedDigest), signed[2]!.storedDigest,
      createHash('sha256').update('not a credential').digest('hex'), undefined]);
    expect(results[0]!.credential, 'an object input comes back as itself').toBe(inputs[0]);
  });

  it('a credential that cannot be signed fails its own call only, whether the call joins others or fills the threads alone', async () => {
    const key = await issuerKey();
    const item = (name: string, validFrom = '2025-01-15T00:00:00Z') =>
      ({ credential: { ...sampleCredential(), name, validFrom }, req: { suite: 'eddsa-jcs-2022' as const, key, now: NOW } });
    const big = [...Array.from({ length: 7 }, (_, i) => item(`Big ${i}`)), item('Big bad', 'not a date')]; // 8 items: 4 per thread
    const [small, bad, alone] = await Promise.allSettled([
      pool.signMany([item('Small')]), pool.signMany([item('Small bad', 'not a date')]), pool.signMany(big)]);
    expect(small.status).toBe('fulfilled');
    expect(String((bad as PromiseRejectedResult).reason)).toContain('validFrom');
    expect(String((alone as PromiseRejectedResult).reason)).toContain('validFrom');
    expect(await pool.signMany(big.slice(0, 7).concat(item('Big 7')))).toHaveLength(8);
  });
});
