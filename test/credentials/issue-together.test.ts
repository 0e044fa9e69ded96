import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { actorOf, type Actor } from '../../src/auth/principal.js';
import type { Database } from '../../src/db/database.js';
import { IssuanceService, type IssueRequest } from '../../src/credentials/issuance/issuance.service.js';
import type { CredentialSigner, SignedItem } from '../../src/credentials/workers/signing-pool.js';
import { createInstitution, obCredential, operatorToken, type TestInstitution } from '../helpers/factories.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let insts: TestInstitution[];
beforeAll(async () => {
  t = await createTestApp();
  const op = await operatorToken(t.app);
  insts = [await createInstitution(t.app, op), await createInstitution(t.app, op)];
});
afterAll(async () => t.close());

/** An issuance service over the test database that counts the statements it runs. */
function countingService(signer: CredentialSigner = t.ctx.credentials.signer): { service: IssuanceService; count: () => number } {
  let n = 0;
  const db: Kysely<Database> = t.ctx.db.withPlugin({ transformQuery: (a) => { n++; return a.node; }, transformResult: async (a) => a.result });
  const c = t.ctx.credentials;
  return { service: new IssuanceService(db, c.directory, c.lists, signer, t.ctx.ledger, () => new Date()), count: () => n };
}

/**
 * The real signer, but holding every call until `expected` credentials are waiting, then answering
 * them all in one turn: how concurrent requests' signatures come back when they share a thread's
 * message, made certain, so the test does not depend on timing.
 */
function barrierSigner(expected: number): CredentialSigner {
  const real = t.ctx.credentials.signer;
  const waiting: { items: Parameters<CredentialSigner['signMany']>[0]; resolve: (r: SignedItem[]) => void }[] = [];
  return {
    sign: (c, r) => real.sign(c, r),
    close: async () => {},
    signMany(items) {
      return new Promise<SignedItem[]>((resolve) => {
        waiting.push({ items, resolve });
        if (waiting.reduce((n, w) => n + w.items.length, 0) < expected) return;
        void real.signMany(waiting.flatMap((w) => w.items)).then((all) => {
          let at = 0;
          for (const w of waiting) w.resolve(all.slice(at, at += w.items.length));
        });
      });
    },
  };
}

async function request(inst: TestInstitution, name: string, overrides: Partial<IssueRequest> = {}): Promise<IssueRequest> {
  const issuer = (await t.ctx.credentials.directory.byRef(inst.id))!;
  const { id: _id, ...credential } = obCredential(inst.did, { name });
  return { issuer, credential, format: 'eddsa-jcs-2022', learnerId: null, kind: 'test', issuanceKey: `test:${randomUUID()}`, ...overrides };
}

const actor = (inst: TestInstitution, requestId: string): Actor =>
  ({ principal: { kind: 'institution', clientId: `client-${inst.id}`, institutionId: inst.id, scopes: ['credentials:issue'] }, requestId });

describe('issues that arrive together', () => {
  it('concurrent issues by two institutions are stored together, each with its own audit line and ledger entry', async () => {
    const warm = countingService().service;
    await warm.issue(await request(insts[0]!, 'warm-up'), actor(insts[0]!, 'warm-up')); // keys and status blocks are now at hand
    await warm.issue(await request(insts[1]!, 'warm-up'), actor(insts[1]!, 'warm-up'));
    const { service, count } = countingService(barrierSigner(8));
    const reqs = await Promise.all(Array.from({ length: 8 }, (_, i) => request(insts[i % 2]!, `Together ${i}`)));
    const issued = await Promise.all(reqs.map((r, i) => service.issue(r, actor(insts[i % 2]!, `request-${i}`))));
    expect(count(), 'one look-up of natural keys and one store for eight requests').toBe(2);
    expect(issued.every((x) => x.created)).toBe(true);
    const audit = await t.ctx.db.selectFrom('audit_trail').select(['resource_id', 'request_id', 'institution_id', 'principal_id'])
      .where('resource_id', 'in', issued.map((x) => x.id)).execute();
    expect(new Map(audit.map((a) => [a.resource_id, [a.request_id, a.institution_id, a.principal_id]])))
      .toEqual(new Map(issued.map((x, i) => [x.id, [`request-${i}`, insts[i % 2]!.id, actorOf(actor(insts[i % 2]!, '').principal)]])));
    const entries = await t.ctx.db.selectFrom('ledger_entries').select(['resource_id', 'actor']).where('event_type', '=', 'credential.issued')
      .where('resource_id', 'in', issued.map((x) => x.id)).execute();
    expect(entries).toHaveLength(8);
    expect((await t.ctx.ledgerService.checkDatabase()).problems).toEqual([]);
  });

  it('an item that cannot be signed, or cannot be stored, fails its own request only', async () => {
    const { service } = countingService();
    const good = await Promise.all([0, 1].map((i) => request(insts[0]!, `Good ${i}`)));
    const unsignable = await request(insts[0]!, 'Bad date');
    unsignable.credential = { ...unsignable.credential, validFrom: 'not a date' };
    const unstorable = await request(insts[0]!, 'Bad learner', { learnerId: 'not-a-uuid' }); // signs, but PostgreSQL refuses the row
    const results = await Promise.allSettled([good[0]!, unsignable, good[1]!, unstorable].map((r, i) => service.issue(r, actor(insts[0]!, `mixed-${i}`))));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason).slice(0, 60) : r.status)))
      .toEqual(['fulfilled', expect.stringContaining('validFrom'), 'fulfilled', expect.stringMatching(/uuid/i)]);
    for (const r of [results[0], results[2]]) {
      const id = (r as PromiseFulfilledResult<{ id: string }>).value.id;
      expect(await t.ctx.db.selectFrom('credentials').select('id').where('id', '=', id).executeTakeFirst()).toBeDefined();
    }
  });
});
