import type { Logger } from 'pino';

/**
 * Runs `work` in the server process every `intervalMs`, one run at a time (the next is scheduled when
 * the last has finished). A run that throws is logged and the job goes on. Several server copies may
 * all run a job: each job makes itself safe for that (an advisory lock, or work that any copy may do).
 * `stop()` cancels the next run and waits for a running one to finish.
 */
export class PeriodicJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(private readonly name: string, private readonly intervalMs: number, private readonly work: () => Promise<void>,
    private readonly logger: Logger) {}

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
      await this.work();
    } catch (err) {
      this.logger.error({ err, job: this.name }, `${this.name} failed; will retry`);
    }
  }
}
