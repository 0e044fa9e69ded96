import type { Db } from '../../db/database.js';
import { fail, pass, skip, type CheckResult } from './check-results.js';
import type { JsonObject } from '../core/did-key.js';
import { verificationFacts, type IssuedRecord, type PositionState, type StatusPosition, type VerificationFacts } from './verification.repository.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The credential's id when it could be one this bank issued (a urn:uuid), lower-cased as stored. */
export function ownCredentialId(c: JsonObject): string | undefined {
  const m = /^urn:uuid:(.+)$/i.exec(String(c.id ?? ''));
  return m && UUID.test(m[1]!) ? m[1]!.toLowerCase() : undefined;
}

/**
 * A status entry as the verifier reads it: `local` when it names one of our lists; `listId` only
 * when that id is well-formed, and `index` only when it is an integer small enough to ask about.
 */
export interface StatusAsk { purpose: string; url: string; local: boolean; listId?: string; index?: number }

/** An entry with what its position holds (absent when nothing was asked). */
type StatusAnswer = StatusAsk & { state?: PositionState };

/** Collects every credential's reads into one verificationFacts call and hands each its answers. */
export class FactReads {
  readonly #positions: StatusPosition[] = [];
  readonly #at: (number | undefined)[][];
  constructor(private readonly asks: StatusAsk[][], private readonly ids: (string | undefined)[]) {
    this.#at = asks.map((list) => list.map((a) => {
      if (a.listId === undefined || a.index === undefined) return undefined;
      return this.#positions.push({ listId: a.listId, index: a.index }) - 1;
    }));
  }

  /** The reads of several verifications (concurrent requests) in one statement; answers in their order. */
  static async fetchTogether(db: Db, all: readonly FactReads[]): Promise<VerificationFacts[]> {
    const positions = all.flatMap((r) => r.#positions);
    const ids = new Set(all.flatMap((r) => r.ids.filter((x): x is string => x !== undefined)));
    const facts = await verificationFacts(db, positions, [...ids]);
    let offset = 0;
    return all.map((r) => {
      const mine = facts.positions.slice(offset, offset += r.#positions.length);
      return { positions: mine, records: facts.records };
    });
  }

  statusOf(i: number, facts: VerificationFacts): StatusAnswer[] {
    return this.asks[i]!.map((a, k) => { const at = this.#at[i]![k]; return at === undefined ? a : { ...a, state: facts.positions[at] }; });
  }

  recordOf(i: number, facts: VerificationFacts): IssuedRecord | undefined {
    const id = this.ids[i];
    return id === undefined ? undefined : facts.records.get(id);
  }
}

/** The entries in order; the first that settles the answer (not ours, unreadable, revoked, suspended) decides. */
export function statusCheck(entries: StatusAnswer[]): CheckResult {
  if (entries.length === 0) return skip('status', 'no_status', 'the credential has no status entry');
  for (const e of entries) {
    if (!e.local) return skip('status', 'status_unreachable', `status list ${e.url} is not held by this bank (no network look-ups)`);
    if (e.listId === undefined || e.state === 'no_list') return fail('status', 'status_list_unknown', `status list ${e.url} does not exist`);
    if (e.index === undefined || e.state === 'outside' || e.state === undefined) {
      return fail('status', 'status_index_invalid', `statusListIndex is not a position in status list ${e.listId}`);
    }
    if (e.state.purpose !== e.purpose) {
      return fail('status', 'status_purpose_mismatch', `the entry's purpose "${e.purpose}" is not the purpose of status list ${e.listId} (${e.state.purpose})`);
    }
    if (e.state.set && e.purpose === 'revocation') return fail('status', 'credential_revoked', 'the issuer has revoked this credential');
    if (e.state.set && e.purpose === 'suspension') return fail('status', 'credential_suspended', 'the issuer has suspended this credential');
  }
  return pass('status', 'not revoked or suspended');
}

