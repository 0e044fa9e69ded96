import type { JsonObject } from './did-key.js';
import { typesOf } from './credential-fields.js';
import { decodeBitstring, getBit, type StatusPurpose } from './status-list.js';

export interface StatusEntryResult {
  statusPurpose: string;
  statusListCredential: string;
  index: number;
  /** True when the bit is set: revoked or suspended. */
  set: boolean;
}

/** The BitstringStatusListEntry objects of a credential. */
export function statusEntries(credential: JsonObject): JsonObject[] {
  const s = credential.credentialStatus;
  const all = Array.isArray(s) ? s : s ? [s] : [];
  return all.filter((e): e is JsonObject => typesOf(e).includes('BitstringStatusListEntry'));
}

/**
 * Checks a credential's status entries that point at `listCredential` (already fetched, and its
 * proof verified by the caller). Throws when the list does not match the entry (wrong purpose,
 * wrong type, bad index): the verifier must not report "not revoked" from a list it cannot read.
 */
export function checkStatus(credential: JsonObject, listCredential: JsonObject, now?: Date): StatusEntryResult[] {
  if (!typesOf(listCredential).includes('BitstringStatusListCredential')) {
    throw new Error('status list credential is not a BitstringStatusListCredential');
  }
  const until = listCredential.validUntil;
  if (now && typeof until === 'string' && Date.parse(until) < now.getTime()) {
    throw new Error(`status list credential expired at ${until}`);
  }
  const subject = listCredential.credentialSubject as JsonObject | undefined;
  const listPurposes = ([] as unknown[]).concat(subject?.statusPurpose ?? []).map(String);
  const bits = decodeBitstring(String(subject?.encodedList ?? ''));
  return statusEntries(credential)
    .filter((e) => e.statusListCredential === listCredential.id)
    .map((e) => {
      const purpose = String(e.statusPurpose);
      if (!listPurposes.includes(purpose)) {
        throw new Error(`entry purpose "${purpose}" is not a purpose of the list (${listPurposes.join(', ')})`);
      }
      const index = Number(e.statusListIndex);
      if (!/^\d+$/.test(String(e.statusListIndex))) throw new Error(`statusListIndex "${String(e.statusListIndex)}" is not an integer`);
      return { statusPurpose: purpose, statusListCredential: String(e.statusListCredential), index, set: getBit(bits, index) };
    });
}

/** Summarises entry results: revoked wins over suspended. */
export function statusVerdict(results: StatusEntryResult[]): 'active' | StatusPurpose {
  if (results.some((r) => r.set && r.statusPurpose === 'revocation')) return 'revocation';
  if (results.some((r) => r.set && r.statusPurpose === 'suspension')) return 'suspension';
  return 'active';
}
