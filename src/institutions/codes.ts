/** Unified social credit code (统一社会信用代码, GB 32100-2015) and GB/T 2260 region codes. Pure. */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const PROVINCES = new Set(['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82']);

export function usccCheckChar(first17: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i]!);
    if (v < 0) return undefined;
    sum += v * USCC_WEIGHTS[i]!;
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

export function checkUscc(code: string): { ok: true; normalized: string } | { ok: false; reason: string } {
  const c = code.trim().toUpperCase();
  if (c.length !== 18) return { ok: false, reason: 'must be 18 characters' };
  if ([...c].some((ch) => !USCC_CHARS.includes(ch))) return { ok: false, reason: 'contains a character not allowed in a credit code (I, O, Z, S, V are never used)' };
  if (!PROVINCES.has(c.slice(2, 4))) return { ok: false, reason: 'characters 3–8 must be a GB/T 2260 region code' };
  if (usccCheckChar(c.slice(0, 17)) !== c[17]) return { ok: false, reason: 'the check character does not match' };
  return { ok: true, normalized: c };
}

/** A six-digit GB/T 2260 code whose first two digits name a province-level division. */
export function checkRegionCode(code: string): boolean {
  return /^\d{6}$/.test(code) && PROVINCES.has(code.slice(0, 2));
}

/** A URL-safe slug from the English name. */
export function slugify(name: string): string {
  const slug = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  return slug || 'institution';
}

/** did:web for a path under the public URL: the port's colon is percent-encoded (did:web spec). */
export function didWebFor(publicUrl: string, ...path: string[]): string {
  const url = new URL(publicUrl);
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const base = url.pathname.split('/').filter(Boolean);
  return ['did:web', host, ...base, ...path].join(':');
}
