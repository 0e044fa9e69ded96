import { generateKeyPairSync } from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  signTreeHead,
  toBase64,
  treeHeadPayload,
  verifyTreeHead,
  type KeyResolver,
} from '../../../src/ledger/merkle/index.js';
import { rootOf } from './tree-fixture.js';

const bank = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const resolve: KeyResolver = (kid) => (kid === 'bank-2025' ? bank.publicKey : undefined);
const head = { treeSize: 12, rootHash: toBase64(rootOf(12)), timestamp: 1_750_000_000_123 };

describe('signed tree heads', () => {
  it('sign and verify with the bank key, payload being the JCS bytes', async () => {
    const signed = await signTreeHead(head, bank.privateKey, 'bank-2025');
    expect(await verifyTreeHead(signed, resolve)).toEqual({ ok: true, head });
    const payload = Buffer.from(signed.signature.split('.')[1]!, 'base64url').toString('utf8');
    expect(payload).toBe(`{"rootHash":"${head.rootHash}","timestamp":1750000000123,"treeSize":12}`);
    expect(Buffer.from(treeHeadPayload(head)).toString('utf8')).toBe(payload);
  });

  it('rejects a changed size, root or timestamp in the readable fields', async () => {
    const signed = await signTreeHead(head, bank.privateKey, 'bank-2025');
    for (const change of [{ treeSize: 13 }, { rootHash: toBase64(rootOf(11)) }, { timestamp: head.timestamp + 1 }]) {
      const result = await verifyTreeHead({ ...signed, ...change }, resolve);
      expect(result.ok).toBe(false);
    }
  });

  // Base64url leaves 4 bits of a 64-byte signature's last character unused, and decoders ignore them:
  // a changed last character can decode to the same signature. The ledger audit's any-field property
  // test found this now and then (its key, hence the signature, differs per run).
  it('rejects a signature whose text was changed in the bits base64url leaves unused', async () => {
    const signed = await signTreeHead(head, bank.privateKey, 'bank-2025');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = signed.signature.at(-1)!;
    const respelled = `${signed.signature.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    const sig = (jws: string) => Buffer.from(jws.slice(jws.lastIndexOf('.') + 1), 'base64url');
    expect(sig(respelled).equals(sig(signed.signature))).toBe(true); // the same bytes, other text
    expect(await verifyTreeHead({ ...signed, signature: respelled }, resolve)).toEqual({ ok: false, reason: 'signature is not in canonical base64url' });
  });

  it('rejects another key, an unknown kid, a mismatched kid and a corrupted signature', async () => {
    const forged = await signTreeHead(head, other.privateKey, 'bank-2025');
    expect(await verifyTreeHead(forged, resolve)).toEqual({ ok: false, reason: 'signature does not verify' });
    const unknown = await signTreeHead(head, bank.privateKey, 'old-key');
    expect(await verifyTreeHead(unknown, resolve)).toEqual({ ok: false, reason: 'unknown key old-key' });
    const signed = await signTreeHead(head, bank.privateKey, 'bank-2025');
    expect((await verifyTreeHead({ ...signed, kid: 'old-key' }, resolve)).ok).toBe(false);
    const [h, p, sig] = signed.signature.split('.') as [string, string, string];
    const bytes = Buffer.from(sig, 'base64url');
    bytes[10]! ^= 1;
    const corrupted = `${h}.${p}.${bytes.toString('base64url')}`;
    expect((await verifyTreeHead({ ...signed, signature: corrupted }, resolve)).ok).toBe(false);
    expect((await verifyTreeHead({ ...signed, signature: 'garbage' }, resolve)).ok).toBe(false);
  });

  it('rejects a JWS of the same bytes that is not typed as a tree head', async () => {
    const jws = await new CompactSign(treeHeadPayload(head)).setProtectedHeader({ alg: 'EdDSA', kid: 'bank-2025' }).sign(bank.privateKey);
    expect(await verifyTreeHead({ ...head, kid: 'bank-2025', signature: jws }, resolve)).toEqual({ ok: false, reason: 'unexpected JWS header' });
  });

  it('refuses to sign a malformed head', async () => {
    await expect(signTreeHead({ ...head, rootHash: 'abc' }, bank.privateKey, 'k')).rejects.toThrow(/rootHash/);
    await expect(signTreeHead({ ...head, timestamp: 1.5 }, bank.privateKey, 'k')).rejects.toThrow(/timestamp/);
  });
});
