import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { findIssuedEntry } from '../../src/credentials/issuance/credentials.repository.js';
import { LedgerService } from '../../src/ledger/ledger.service.js';
import { TreeHeadKeys } from '../../src/ledger/tree-head-keys.js';
import { issueVc, type TestInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let inst: TestInstitution;
beforeAll(async () => ({ t, inst } = await institutionApp()));
afterAll(async () => t.close());
afterEach(() => { vi.restoreAllMocks(); });

/** Another server process on the same database: its own integrator, its own caches. */
const otherProcess = () => new LedgerService(t.ctx.db, new TreeHeadKeys(t.ctx.keys), t.ctx.ledgerBodies, t.ctx.config.ledger, () => new Date());

async function issuedEntryId(): Promise<number> {
  const { id } = await issueVc(t.app, inst, { cryptosuite: 'eddsa-jcs-2022' });
  return Number((await findIssuedEntry(t.ctx.db, id))!.id);
}

describe('inclusion answers and the latest signed head', () => {
  it('a head signed by this process\'s integrator is used at once', async () => {
    const entryId = await issuedEntryId();
    expect(await t.ctx.ledgerService.inclusionFor(entryId)).toBeUndefined();
    await t.ctx.ledgerService.integrate();
    expect((await t.ctx.ledgerService.inclusionFor(entryId))?.entry.entryId).toBe(entryId);
  });

  it('a head signed by another process is used once the cached head is older than HEAD_TTL_MS', async () => {
    const entryId = await issuedEntryId();
    let now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    expect(await t.ctx.ledgerService.inclusionFor(entryId)).toBeUndefined(); // caches the head before integration
    await otherProcess().integrate();
    expect(await t.ctx.ledgerService.inclusionFor(entryId)).toBeUndefined(); // a moment later: still pending here
    now += LedgerService.HEAD_TTL_MS + 1;
    const answer = await t.ctx.ledgerService.inclusionFor(entryId);
    expect(answer?.entry.entryId).toBe(entryId);
    expect(answer?.treeHead?.treeSize).toBeGreaterThan(answer!.proof.leafIndex);
  });
});
