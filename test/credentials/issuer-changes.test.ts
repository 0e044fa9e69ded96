import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ISSUER_CHANNEL } from '../../src/credentials/issuers/issuer-directory.js';
import type { TestInstitution } from '../helpers/factories.js';
import { elsewhere } from '../helpers/elsewhere.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;
beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());

/**
 * Waits until every change committed before this call has been announced: a marker notified after
 * them arrives after their notifications (LISTEN delivers in commit order), and the directory, which
 * subscribed first, has heard them all by then.
 */
async function settled(): Promise<void> {
  const marker = `settled-${Math.random()}`;
  let heard!: () => void;
  const arrived = new Promise<void>((r) => { heard = r; });
  await t.ctx.notifications!.listen(ISSUER_CHANNEL, { message: (p) => { if (p === marker) heard(); }, live: () => undefined });
  await sql`select pg_notify(${ISSUER_CHANNEL}, ${marker})`.execute(t.ctx.db);
  await arrived;
}

describe('issuer keys across service instances', () => {
  it('a key revoked by another instance leaves the DID document and is no longer used to sign, once its notification arrives', async () => {
    const dir = t.ctx.credentials.directory;
    const issuer = (await dir.byRef(inst.id))!;
    const first = await dir.signingKey(issuer);
    await settled(); // creating the key announced a change too
    const keyId = first.id.split('#')[1]!;
    expect((await dir.didDocument(issuer.did))!.assertionMethod).toContain(first.id);
    expect((await dir.signingKey(issuer)).id).toBe(first.id);
    // Cached: the second look-up reads no key.
    const queries = vi.spyOn(t.ctx.db, 'selectFrom');
    expect((await dir.didDocument(issuer.did))!.assertionMethod).toContain(first.id);
    expect((await dir.signingKey(issuer)).id).toBe(first.id);
    expect(queries.mock.calls.filter(([table]) => table === 'keys')).toEqual([]);
    queries.mockRestore();
    // Another instance revokes it: the trigger's notification clears this instance's keys and documents.
    await elsewhere(t, "update keys set status = 'revoked', revoked_at = now(), revocation_reason = $1 where id = $2", ['compromised elsewhere', keyId]);
    await settled();
    const doc = (await dir.didDocument(issuer.did))!;
    expect(doc.assertionMethod).not.toContain(first.id);
    expect((doc.verificationMethod as { id: string }[]).map((m) => m.id)).toContain(first.id); // old credentials still resolve
    const next = await dir.signingKey(issuer);
    expect(next.id).not.toBe(first.id);
    expect((await dir.keyForVerificationMethod(first.id))?.status).toBe('revoked');
  });
});
