import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { appendEvents } from './ledger-fixture.js';

let t: TestApp;
let now = Date.UTC(2026, 0, 1, 8, 0, 0);
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  t = await createTestApp({ clock, config: { ledger: { batchSize: 50, headEveryEntries: 100, headEverySeconds: 30, integrateIntervalMs: 0 } } });
});
afterAll(async () => t.close());

const due = () => t.ctx.ledgerService.integrate({ heads: 'when-due' });
const sizes = async () => (await t.ctx.ledgerService.treeHeads(undefined, 100)).items.map((h) => [h.treeSize, h.timestamp]);

describe('tree heads every N entries or T seconds', () => {
  it('signs a head after T seconds even with far fewer than N new entries, and not before', async () => {
    await appendEvents(t.ctx, 2);
    const first = await due(); // the first head is always due; the tree-head key's key.created entry makes 3
    expect(first).toMatchObject({ integrated: 3, headsSigned: 1 });
    const start = now;

    await appendEvents(t.ctx, 4);
    now = start + 29_999;
    expect(await due()).toMatchObject({ integrated: 4, treeSize: 7, headsSigned: 0 });
    expect(await sizes()).toEqual([[3, start]]);

    now = start + 30_000;
    expect(await due()).toMatchObject({ integrated: 0, treeSize: 7, headsSigned: 1 });
    expect(await sizes()).toEqual([[3, start], [7, start + 30_000]]);

    // Nothing new: no head however long it has been.
    now = start + 600_000;
    expect(await due()).toMatchObject({ headsSigned: 0 });
  });
});
