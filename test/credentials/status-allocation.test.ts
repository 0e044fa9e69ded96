import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Issuer } from '../../src/credentials/issuers/issuer-directory.js';
import { StatusListService, type StatusSlot } from '../../src/credentials/status/status-lists.service.js';
import { createInstitution } from '../helpers/factories.js';
import { institutionApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let op: string;
beforeAll(async () => ({ t, op } = await institutionApp()));
afterAll(async () => t.close());

const freshIssuer = async (): Promise<Issuer> => (await t.ctx.credentials.directory.byRef((await createInstitution(t.app, op)).id))!;
/** Another server process on the same database: its own reserved sequence numbers. */
const otherProcess = () => new StatusListService(t.ctx.db, t.ctx.credentials.directory, t.ctx.credentials.signer, t.ctx.config.publicUrl, () => new Date());
const claimed = async (issuer: Issuer) => (await t.ctx.db.selectFrom('status_lists').select(['allocated']).where('issuer_ref', '=', issuer.ref)
  .where('purpose', '=', 'revocation').execute()).reduce((sum, r) => sum + r.allocated, 0);
const distinct = (slots: StatusSlot[]) => new Set(slots.map((s) => `${s.listId}#${s.index}`)).size;

describe('status list indexes', () => {
  it('single allocations claim a block at a time and never repeat an index', async () => {
    const issuer = await freshIssuer();
    const lists = t.ctx.credentials.lists;
    const slots: StatusSlot[] = [];
    for (let i = 0; i < 100; i++) slots.push(await lists.allocate(issuer, 'revocation'));
    expect(distinct(slots)).toBe(100);
    expect(await claimed(issuer)).toBe(2 * StatusListService.RESERVE_BLOCK);
    // A batch uses what is kept first, then claims exactly what it still needs.
    const batch = await lists.allocateMany(issuer, 'revocation', 200);
    expect(distinct([...slots, ...batch])).toBe(300);
    expect(await claimed(issuer)).toBe(300);
  });

  it('concurrent callers and two processes on one database get distinct indexes', async () => {
    const issuer = await freshIssuer();
    const a = t.ctx.credentials.lists; const b = otherProcess();
    const all = (await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? b : a).allocateMany(issuer, 'revocation', 1 + (i % 5))))).flat();
    expect(all).toHaveLength(Array.from({ length: 300 }, (_, i) => 1 + (i % 5)).reduce((x, y) => x + y, 0));
    expect(distinct(all)).toBe(all.length);
    expect(await claimed(issuer)).toBeGreaterThanOrEqual(all.length);
  });

  it('suspension indexes are kept apart from revocation ones', async () => {
    const issuer = await freshIssuer();
    const r = await t.ctx.credentials.lists.allocate(issuer, 'revocation');
    const s = await t.ctx.credentials.lists.allocate(issuer, 'suspension');
    expect(r.listId).not.toBe(s.listId);
    expect([r.purpose, s.purpose]).toEqual(['revocation', 'suspension']);
  });
});
