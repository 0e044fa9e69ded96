import { createHmac } from 'node:crypto';

/**
 * Chinese resident identity numbers (GB 11643-1999) and passports. Pure: validation, normalisation,
 * masking. The number is stored only as an HMAC (look-up) and ciphertext (the few who may see it).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
// GB/T 2260 province-level codes (first two digits of the administrative division code).
const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
  50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]);

export type IdentityCheck = { ok: true; normalized: string } | { ok: false; reason: string };

export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Validates an 18-digit number (or upgrades a legacy 15-digit one) per GB 11643-1999. */
export function checkResidentId(input: string, today = new Date()): IdentityCheck {
  let id = input.trim().toUpperCase();
  if (/^\d{15}$/.test(id)) {
    const body = `${id.slice(0, 6)}19${id.slice(6)}`;
    id = body + residentIdCheckChar(body);
  }
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, reason: 'must be 18 characters: 17 digits and a check digit or X' };
  if (!PROVINCES.has(Number(id.slice(0, 2)))) return { ok: false, reason: 'the administrative division code names no province' };
  const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  if (!validDate(y, m, d) || y < 1880 || Date.UTC(y, m - 1, d) > today.getTime()) {
    return { ok: false, reason: 'the birth date in the number is not a valid past date' };
  }
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, reason: 'the check digit does not match' };
  return { ok: true, normalized: id };
}

export function birthDateOf(residentId: string): string {
  return `${residentId.slice(6, 10)}-${residentId.slice(10, 12)}-${residentId.slice(12, 14)}`;
}

export function checkPassport(number: string, country: string): IdentityCheck {
  const n = number.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) return { ok: false, reason: 'country must be an ISO 3166-1 alpha-2 code' };
  if (!/^[A-Z0-9]{5,20}$/.test(n)) return { ok: false, reason: 'a passport number has 5 to 20 letters or digits' };
  return { ok: true, normalized: n };
}

/** "110105********123X" style: keeps the region prefix and the last four characters. */
export function maskIdentity(normalized: string): string {
  if (normalized.length <= 6) return '*'.repeat(normalized.length);
  const keepHead = normalized.length >= 15 ? 6 : 2;
  return normalized.slice(0, keepHead) + '*'.repeat(normalized.length - keepHead - 4) + normalized.slice(-4);
}

/** Look-up key for one person: HMAC-SHA256 under a secret pepper, so the table alone reveals nothing. */
export function identityHmac(pepper: Buffer, type: string, country: string, normalized: string): string {
  return createHmac('sha256', pepper).update(`${type}|${country}|${normalized}`).digest('hex');
}
