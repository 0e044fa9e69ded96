import { subscribedCache, type NotifiedCache, type NotifiedCacheOptions } from '../db/notified-cache.js';
import type { NotificationSource } from '../db/notifications.js';

/** Migration 0014's trigger announces every committed change to a learner row here, with its id ('' for all). */
export const LEARNER_CHANNEL = 'learner_changed';

/** Learner views by id for read paths (see NotifiedCache for how they stay correct). */
export type LearnerCache<V extends object> = NotifiedCache<V>;

/** A learner cache subscribed to learner changes, or undefined when disabled (size 0) or nothing can notify. */
export function subscribedLearnerCache<V extends object>(opts: NotifiedCacheOptions, source: NotificationSource | undefined): Promise<LearnerCache<V> | undefined> {
  return subscribedCache<V>(LEARNER_CHANNEL, opts, source);
}
