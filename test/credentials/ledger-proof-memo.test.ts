import { describe, expect, it } from 'vitest';
import { LedgerProofs, type LedgerProofSource } from '../../src/credentials/verify/ledger-proof.js';
import type { InclusionAnswer } from '../../src/ledger/ledger.service.js';
import type { SignedTreeHead } from '../../src/ledger/merkle/index.js';
import type { LedgerJwk } from '../../src/ledger/tree-head-keys.js';
import { BANK, INTRUDER, KID, inclusionProof, makeEntries, resolveKey, signedHeads } from '../ledger/audit/log-fixture.js';

const entries = makeEntries(23);
const [head] = await signedHeads(entries, [23]);
const [intruderHead] = await signedHeads(entries, [23], INTRUDER.privateKey);
const jwk = { ...BANK.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'EdDSA', status: 'active' } as LedgerJwk;

/** A ledger that answers entry 9's proof against whatever head the test puts in `served`. */
function source(served: { head: SignedTreeHead }): LedgerProofSource {
  return {
    inclusionFor: async () => ({ entry: entries[9]!, proof: inclusionProof(entries, 9, 23), treeHead: served.head } as unknown as InclusionAnswer),
    jwks: async () => ({ keys: [jwk] }),
  };
}

describe('LedgerProofs remembers only tree heads whose signature verified, by their exact fields', () => {
  it('never accepts a head that differs from a remembered one in any field', async () => {
    const proofs = new LedgerProofs(source({ head: head! }));
    expect((await proofs.checkHead(head!, resolveKey)).ok).toBe(true);
    expect((await proofs.checkHead(head!, resolveKey)).ok).toBe(true); // remembered
    const altered: SignedTreeHead[] = [
      { ...head!, rootHash: Buffer.alloc(32, 1).toString('base64') },
      { ...head!, treeSize: 22 },
      { ...head!, timestamp: head!.timestamp + 1 },
      { ...head!, signature: intruderHead!.signature },
      { ...head!, kid: 'did:web:bank.example#other' },
    ];
    for (const h of altered) expect((await proofs.checkHead(h, resolveKey)).ok).toBe(false);
  });

  it('judges a remembered head with another signature as not holding', async () => {
    const served = { head: head! };
    const proofs = new LedgerProofs(source(served));
    const digest = entries[9]!.bodyDigest;
    expect((await proofs.judge(9, digest)).ok).toBe(true);
    served.head = intruderHead!; // same fields, signed by another key
    expect(await proofs.judge(9, digest)).toEqual({ ok: false, reason: 'tree head: signature does not verify' });
    served.head = { ...head!, rootHash: Buffer.alloc(32, 2).toString('base64') };
    expect((await proofs.judge(9, digest)).ok).toBe(false);
    served.head = head!;
    expect((await proofs.judge(9, digest)).ok).toBe(true);
  });

  it('does not remember a failed check: a head by a key not yet known verifies once the key set has it', async () => {
    const keys: LedgerJwk[] = [];
    const proofs = new LedgerProofs({ ...source({ head: head! }), jwks: async () => ({ keys }) });
    expect(await proofs.judge(9, entries[9]!.bodyDigest)).toEqual({ ok: false, reason: `tree head: unknown key ${KID}` });
    keys.push(jwk);
    expect((await proofs.judge(9, entries[9]!.bodyDigest)).ok).toBe(true);
  });
});
