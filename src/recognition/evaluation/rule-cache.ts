import type { Db, Executor } from '../../db/database.js';
import { ruleStamp } from '../rules/rules.repository.js';

/** How long a cached rule index is served before its change stamp is checked again (in the background). */
export const STAMP_CHECK_MS = 1000;

interface Entry<T> { stamp: string; value: Promise<T>; checkedAt: number; checking?: Promise<void> }

/**
 * The rule index of each target, cached in this instance. Publications and agreement changes made
 * through this instance invalidate it at once (the services call `invalidate`). Changes made by
 * another instance are seen through the change stamp (rule count + agreements' `changed_at`):
 * - `fresh` callers (request creation, re-evaluation: they write decisions) query the stamp first;
 * - previews are served from the cache and, when the last check is older than STAMP_CHECK_MS,
 *   trigger one background check, so a preview is at most about a second behind another
 *   instance's publication and costs no query of its own.
 */
export class TargetRuleCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly db: Db, private readonly build: (db: Executor, target: string, stamp: string) => Promise<T>,
    private readonly checkEveryMs = STAMP_CHECK_MS, private readonly clock: () => number = Date.now,
    private readonly stampOf: (db: Executor, target: string) => Promise<string> = ruleStamp) {}

  invalidate(target?: string): void {
    if (target === undefined) this.entries.clear();
    else this.entries.delete(target);
  }

  async get(db: Executor, target: string, fresh: boolean): Promise<T> {
    const hit = this.entries.get(target);
    if (!hit || fresh) return this.load(db, target);
    if (!hit.checking && this.clock() - hit.checkedAt >= this.checkEveryMs) {
      hit.checking = this.load(this.db, target).then(() => undefined, () => undefined).finally(() => { hit.checking = undefined; });
    }
    return hit.value;
  }

  // One in-flight build per target and stamp: concurrent first requests share it.
  private async load(db: Executor, target: string): Promise<T> {
    const stamp = await this.stampOf(db, target);
    const hit = this.entries.get(target);
    if (hit && hit.stamp === stamp) {
      hit.checkedAt = this.clock();
      return hit.value;
    }
    const entry: Entry<T> = { stamp, value: this.build(db, target, stamp), checkedAt: this.clock() };
    this.entries.set(target, entry);
    entry.value.catch(() => { if (this.entries.get(target) === entry) this.entries.delete(target); });
    return entry.value;
  }
}
