/**
 * API clients revoked recently enough that a token issued to them may not have expired yet. Every
 * check of an institution's or operator's access token asks it, so a revoked client is cut off at
 * once in the server process that revoked it, and within `syncMs` in every other process (each
 * reloads the list from the database when its copy is older than that). Clients revoked longer ago
 * than the token lifetime are not kept: no unexpired token of theirs can exist, and the token endpoint
 * refuses them new ones.
 *
 * A reload that fails is thrown to the request (fail closed): a token is never accepted on a copy of
 * the list older than `syncMs`.
 */
export class RevokedClients {
  #ids = new Set<string>();
  /** Revocations made in this process, kept across reloads that may have started before they committed. */
  readonly #local = new Map<string, number>();
  #loadedAt = -Infinity;
  #loading: Promise<void> | undefined;

  constructor(
    /** Ids of the clients revoked after `since`. */
    private readonly load: (since: Date) => Promise<string[]>,
    /** How far back a revocation still matters: the token lifetime, plus leeway for clock skew. */
    private readonly windowMs: number,
    private readonly syncMs: number,
    private readonly now: () => Date,
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  async has(clientId: string): Promise<boolean> {
    if (this.monotonic() - this.#loadedAt >= this.syncMs) await this.reload();
    return this.#ids.has(clientId);
  }

  /** Called once this process's revocation has committed: it applies here from the next request. */
  add(clientId: string): void {
    this.#local.set(clientId, this.now().getTime());
    this.#ids.add(clientId);
  }

  /** Reads the list again now; concurrent callers share one read. */
  reload(): Promise<void> {
    this.#loading ??= this.#read().finally(() => { this.#loading = undefined; });
    return this.#loading;
  }

  async #read(): Promise<void> {
    const started = this.monotonic();
    const since = this.now().getTime() - this.windowMs;
    const ids = new Set(await this.load(new Date(since)));
    for (const [id, at] of this.#local) {
      if (at < since) this.#local.delete(id);
      else ids.add(id);
    }
    this.#ids = ids;
    this.#loadedAt = started;
  }
}
