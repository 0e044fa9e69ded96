import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { recordWrite } from '../audit-trail/audit-trail.repository.js';
import type { Executor } from '../db/database.js';
import type { LedgerEvent, LedgerWriter } from '../ledger/ledger-writer.js';
import { achievementEventBody, contentHash, eventTypeOf, toInsertable, versionValues, type VersionFields } from './achievement-rows.js';
import * as repo from './achievements.repository.js';
import { canonicalEventBody } from './canonical-content.js';
import type { AchievementContent } from './records.types.js';

/** A deposit that passed every rule, ready to be written. */
export interface CheckedDeposit {
  learnerId: string;
  institutionId: string;
  externalId: string;
  content: AchievementContent;
}

export type DepositOutcome =
  | { kind: 'created'; achievementId: string }
  | { kind: 'replayed'; achievementId: string }
  | { kind: 'conflict'; achievementId: string };

const resourceIdOf = (v: VersionFields) => `${v.achievement_id}:${v.version}`;
function ledgerEvent(actor: Actor, v: VersionFields): LedgerEvent {
  const body = achievementEventBody(v);
  return {
    eventType: eventTypeOf(v.action), actor, learnerId: v.learner_id, resourceType: 'achievement_version',
    resourceId: resourceIdOf(v), body, canonicalBody: canonicalEventBody(body), at: v.recorded_at,
  };
}

/** Appends one version and its ledger entry, in the caller's transaction; returns the ledger id. */
export async function appendVersion(trx: Executor, ledger: LedgerWriter, actor: Actor, v: VersionFields): Promise<number> {
  const entry = await ledger.append(trx, ledgerEvent(actor, v));
  await repo.insertVersions(trx, [toInsertable(v, entry.id)]);
  return entry.id;
}

/**
 * Writes deposits of one institution in the caller's transaction. The natural key is claimed first:
 * a key that already exists (an earlier run, a racing request, a duplicate line) is a replay when
 * the content is the same and a conflict when it differs; nothing is written twice.
 */
export async function writeDeposits(trx: Executor, ledger: LedgerWriter, actor: Actor, institutionId: string,
  deposits: CheckedDeposit[], at: Date): Promise<DepositOutcome[]> {
  const fresh = deposits.map((d) => ({ d, id: randomUUID(), hash: contentHash(d.learnerId, d.content) }));
  // Within one call the first line with a key claims it; later duplicates are judged against it.
  const firsts = new Map<string, (typeof fresh)[number]>();
  for (const f of fresh) if (!firsts.has(f.d.externalId)) firsts.set(f.d.externalId, f);
  const won = await repo.claimKeys(trx, [...firsts.values()].map((f) => ({
    institution_id: institutionId, external_id: f.d.externalId, learner_id: f.d.learnerId, achievement_id: f.id, content_hash: f.hash,
  })));
  const created = [...firsts.values()].filter((f) => won.has(f.d.externalId));
  await repo.insertAchievements(trx, created.map((f) => ({
    learner_id: f.d.learnerId, id: f.id, institution_id: institutionId, external_id: f.d.externalId,
    source: f.d.content.learning?.source ?? 'catalogue', created_at: at,
  })));
  const who = actorOf(actor.principal);
  // One statement for all ledger entries and one for all versions: a chunk costs a handful of round trips.
  const versions = created.map((f) => versionValues(f.d.learnerId, f.id, 1, f.d.content, { action: 'deposit', supersedes: null, reason: null, actor: who, at }));
  const entries = await ledger.appendMany(trx, versions.map((v) => ledgerEvent(actor, v)));
  await repo.insertFirstVersions(trx, versions.map((v) => toInsertable(v, entries.get(resourceIdOf(v))!.id)));
  if (created.length > 0) {
    await recordWrite(trx, actor, {
      action: 'achievement.deposit', resourceType: 'achievement', resourceId: created.length === 1 ? created[0]!.id : `batch:${created[0]!.id}`,
      institutionId, learnerId: created.length === 1 ? created[0]!.d.learnerId : null,
      detail: created.length === 1 ? undefined : { achievements: created.map((f) => f.id) },
    }, at);
  }
  const isNew = new Set(created);
  const existing = new Map((await repo.findKeys(trx, institutionId, fresh.filter((f) => !isNew.has(f)).map((f) => f.d.externalId)))
    .map((k) => [k.external_id, k]));
  return fresh.map((f): DepositOutcome => {
    if (isNew.has(f)) return { kind: 'created', achievementId: f.id };
    const k = existing.get(f.d.externalId)!;
    return { kind: k.content_hash === f.hash ? 'replayed' : 'conflict', achievementId: k.achievement_id };
  });
}
