import type { AppContext } from '../context.js';
import { purgeExpired } from '../http/idempotency.repository.js';
import { PeriodicJob } from './periodic-job.js';

/** Expired Idempotency-Key responses deleted per statement, and how often a purge runs. */
const PURGE_CHUNK = 5_000;
const PURGE_INTERVAL_MS = 10 * 60_000;

/**
 * Deletes the stored Idempotency-Key responses past their retention, a chunk per statement until
 * none is left. Any server copy may run it: two copies at once delete disjoint or already-deleted rows.
 */
export async function purgeIdempotencyKeys(ctx: AppContext): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await purgeExpired(ctx.db, ctx.idempotency.ttlMs, PURGE_CHUNK);
    total += n;
    if (n < PURGE_CHUNK) return total;
  }
}

/** What a server process runs beside serving requests. */
export function serverJobs(ctx: AppContext): PeriodicJob[] {
  return [
    // Integrates ledger entries into the Merkle tree and signs tree heads; with several processes,
    // the integrator's advisory lock lets one work at a time.
    new PeriodicJob('ledger integration', ctx.config.ledger.integrateIntervalMs, async () => {
      const r = await ctx.ledgerService.integrate({ heads: 'when-due' });
      if (r.integrated > 0 || r.headsSigned > 0) {
        ctx.logger.debug({ integrated: r.integrated, treeSize: r.treeSize, headsSigned: r.headsSigned }, 'ledger integrated');
      }
    }, ctx.logger),
    new PeriodicJob('idempotency key purge', PURGE_INTERVAL_MS, async () => {
      const purged = await purgeIdempotencyKeys(ctx);
      if (purged > 0) ctx.logger.info({ purged }, 'expired Idempotency-Key responses purged');
    }, ctx.logger),
  ];
}
