import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.js';
import type { Config } from '../../src/config/config.js';
import type { Executor } from '../../src/db/database.js';

/** Small batches and frequent heads so a few dozen entries exercise several batches and heads. */
export const SMALL_LEDGER: Partial<Config> = {
  ledger: { batchSize: 7, headEveryEntries: 10, headEverySeconds: 3600, integrateIntervalMs: 0 },
};

let counter = 0;

/** One ledger event of a made-up resource type, appended in its own (or the given) transaction. */
export async function appendEvent(ctx: AppContext, over: { resourceType?: string; resourceId?: string; actor?: string; trx?: Executor } = {}) {
  counter += 1;
  const event = {
    eventType: 'test.happened', actor: over.actor ?? 'operator:test', learnerId: null,
    resourceType: over.resourceType ?? 'test_thing', resourceId: over.resourceId ?? randomUUID(),
    body: { n: counter, note: '学分银行 𠮷' }, at: new Date(Date.UTC(2025, 0, 1, 0, 0, counter % 60, counter % 1000)),
  };
  const written = over.trx ? await ctx.ledger.append(over.trx, event) : await ctx.db.transaction().execute((trx) => ctx.ledger.append(trx, event));
  return { ...written, resourceType: event.resourceType, resourceId: event.resourceId };
}

export async function appendEvents(ctx: AppContext, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await appendEvent(ctx));
  return out;
}
