import type { Logger } from 'pino';
import type { LedgerService } from './ledger.service.js';

/**
 * Runs the integrator in the server process every `intervalMs` (heads only when due). Several
 * server copies may all run it: the advisory lock lets one work and the others return at once.
 * `stop()` cancels the next run and waits for a running one to commit.
 */
export class IntegratorTimer {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(private readonly ledger: LedgerService, private readonly intervalMs: number, private readonly logger: Logger) {}

  start(): void {
    if (this.intervalMs <= 0 || this.#stopped) return;
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#running = this.#tick().finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#schedule();
      });
    }, this.intervalMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    try {
      const r = await this.ledger.integrate({ heads: 'when-due' });
      if (r.integrated > 0 || r.headsSigned > 0) {
        this.logger.debug({ integrated: r.integrated, treeSize: r.treeSize, headsSigned: r.headsSigned }, 'ledger integrated');
      }
    } catch (err) {
      this.logger.error({ err }, 'ledger integration failed; will retry');
    }
  }
}
