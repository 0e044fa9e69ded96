/**
 * W3C Bitstring Status List v1.0: the list is a bitstring, GZIP-compressed and encoded as a
 * base64url (no padding) multibase string with the 'u' prefix. Index 0 is the most significant
 * bit of the first byte (spec §3.2). Only statusSize 1 is used (one bit per credential).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CONTEXT_URLS } from './context-store.js';
import type { JsonObject } from './did-key.js';

/** The spec's minimum list length (16 KB), so that one revoked index does not identify a holder. */
export const MIN_STATUS_LIST_BITS = 131_072;

export type StatusPurpose = 'revocation' | 'suspension';

/** A zeroed bitstring of at least `bits` bits, rounded up to whole bytes and to the spec minimum. */
export function createBitstring(bits = MIN_STATUS_LIST_BITS): Uint8Array {
  return new Uint8Array(Math.ceil(Math.max(bits, MIN_STATUS_LIST_BITS) / 8));
}

function checkIndex(bits: Uint8Array, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new RangeError(`status list index ${index} is outside 0..${bits.length * 8 - 1}`);
  }
}

export function getBit(bits: Uint8Array, index: number): boolean {
  checkIndex(bits, index);
  return ((bits[index >> 3]! >> (7 - (index & 7))) & 1) === 1;
}

/** Sets or clears one bit in place (the array belongs to the caller). */
export function setBit(bits: Uint8Array, index: number, value: boolean): void {
  checkIndex(bits, index);
  const mask = 1 << (7 - (index & 7));
  bits[index >> 3] = value ? bits[index >> 3]! | mask : bits[index >> 3]! & ~mask;
}

/** GZIP + base64url multibase ('u…') encoding of a bitstring. */
export function encodeBitstring(bits: Uint8Array): string {
  return `u${Buffer.from(gzipSync(bits)).toString('base64url')}`;
}

/** Decodes an `encodedList`; rejects a missing 'u' prefix and lists shorter than the spec minimum. */
export function decodeBitstring(encoded: string): Uint8Array {
  if (!encoded.startsWith('u')) throw new Error('encodedList must be multibase base64url (prefix "u")');
  const bits = new Uint8Array(gunzipSync(Buffer.from(encoded.slice(1), 'base64url')));
  if (bits.length * 8 < MIN_STATUS_LIST_BITS) {
    throw new Error(`status list has ${bits.length * 8} bits; the minimum is ${MIN_STATUS_LIST_BITS}`);
  }
  return bits;
}

export interface StatusListCredentialInput {
  /** URL the list credential is served at. */
  id: string;
  issuer: string | JsonObject;
  statusPurpose: StatusPurpose;
  bits: Uint8Array;
  validFrom: string;
  validUntil?: string;
}

/** The unsigned BitstringStatusListCredential for a list. */
export function buildStatusListCredential(input: StatusListCredentialInput): JsonObject {
  return {
    '@context': [CONTEXT_URLS.credentialsV2],
    id: input.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.issuer,
    validFrom: input.validFrom,
    ...(input.validUntil ? { validUntil: input.validUntil } : {}),
    credentialSubject: {
      id: `${input.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: input.statusPurpose,
      encodedList: encodeBitstring(input.bits),
    },
  };
}

/** The `credentialStatus` entry pointing at one index of a list. */
export function buildStatusEntry(listCredentialUrl: string, index: number, statusPurpose: StatusPurpose): JsonObject {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`invalid status list index ${index}`);
  return {
    id: `${listCredentialUrl}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose,
    statusListIndex: String(index),
    statusListCredential: listCredentialUrl,
  };
}
