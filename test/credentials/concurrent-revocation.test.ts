import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/principal.js';
import { decodeBitstring, getBit } from '../../src/credentials/core/status-list.js';
import { createInstitution, obCredential, operatorToken } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => t.close());

const N = 1000;

describe('status list updates', () => {
  it(`keeps every one of ${N} concurrent revocations in one list`, async () => {
    const inst = await createInstitution(t.app, await operatorToken(t.app));
    const c = t.ctx.credentials;
    const issuer = (await c.directory.byRef(inst.id))!;
    const actor: Actor = { principal: { kind: 'institution', institutionId: inst.id, clientId: inst.clientId, scopes: ['credentials:issue'] }, requestId: 'test' };
    // Issued in one service batch (a few statements), so the test's time goes to the revocations.
    const issued = await c.issuance.issueMany(Array.from({ length: N }, (_, i) => ({
      issuer, credential: obCredential(inst.did, { name: `Credential ${i}` }), format: 'vc+jwt' as const,
      learnerId: null, kind: 'test', issuanceKey: `concurrent-${i}`,
    })), actor);
    const listIds = new Set(issued.map((x) => x.row.revocation_list_id));
    expect(listIds.size).toBe(1);
    expect(new Set(issued.map((x) => x.row.revocation_index)).size).toBe(N);

    // All 1,000 at once: each its own transaction, all contending for the same list row.
    const results = await Promise.all(issued.map((x) => c.status.change(x.id, 'revoke', 'mass revocation', actor)));
    expect(results.every((r) => r.changed)).toBe(true);

    const list = await c.lists.listCredential([...listIds][0]!);
    const bits = decodeBitstring(String((list.credentialSubject as any).encodedList));
    expect(issued.filter((x) => !getBit(bits, x.row.revocation_index))).toEqual([]);
    let set = 0;
    for (let i = 0; i < bits.length * 8; i++) if (getBit(bits, i)) set++;
    expect(set).toBe(N);
    const rows = await t.ctx.db.selectFrom('credentials').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'revoked').executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(N);
  }, 60_000);
});
