import pg from 'pg';

const fallback = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;

// Two decimal digits at s[i], s[i + 1]; −1 when either is not a digit.
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `timestamptz` text as PostgreSQL sends it with DateStyle ISO ('2024-06-30 12:34:56.789123+00',
 * offsets '+05:30' or '-03:00:30' too), read by position: the same Date as pg's own parser
 * (postgres-date), without its regular expressions and substrings, which were a large share of the
 * garbage of reading a learner's 300-version record. Anything else (BC, infinity, a year before
 * 100 or after 9999) goes to pg's parser.
 */
export function parseTimestamptz(s: string): Date | number | null {
  if (s.length < 22 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return fallback(s);
  }
  const century = two(s, 0), yy = two(s, 2), month = two(s, 5), day = two(s, 8), hour = two(s, 11), minute = two(s, 14), second = two(s, 17);
  if (century < 1 || yy < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return fallback(s);
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) { // '.' and fractional digits
    // postgres-date passes 1000 × the fraction to Date.UTC, which truncates it: the first three digits.
    const start = ++i;
    for (let scale = 100; i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++, scale /= 10) {
      if (scale >= 1) ms += (s.charCodeAt(i) - 48) * scale;
    }
    if (i === start) return fallback(s);
  }
  const sign = s.charCodeAt(i) === 43 ? 1 : s.charCodeAt(i) === 45 ? -1 : 0;
  if (sign === 0 || i + 3 > s.length) return fallback(s);
  const hours = two(s, i + 1);
  const minutes = s.length >= i + 6 && s.charCodeAt(i + 3) === 58 ? two(s, i + 4) : 0;
  const seconds = s.length >= i + 9 && s.charCodeAt(i + 6) === 58 ? two(s, i + 7) : 0;
  const end = i + 3 + (s.length >= i + 6 && s.charCodeAt(i + 3) === 58 ? 3 : 0) + (s.length >= i + 9 && s.charCodeAt(i + 6) === 58 ? 3 : 0);
  if (end !== s.length || hours < 0 || minutes < 0 || seconds < 0) return fallback(s);
  const offset = hours * 3600 + minutes * 60 + seconds;
  return new Date(Date.UTC(century * 100 + yy, month - 1, day, hour, minute, second, ms) - sign * offset * 1000);
}
