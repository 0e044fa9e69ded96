// Substring search that works for Chinese: titles have no spaces between words, so word-based
// full-text search and pg_trgm (which cannot index a two-character query such as 会计) do not fit.
// Each item stores the set of its character unigrams and bigrams; a query term becomes its
// bigrams (or its one character), found through a GIN index on the array, then confirmed with
// a substring match on the normalised text. Code points, not UTF-16 units, so 𠮷 is one character.

const FIELD_SEPARATOR = '\u0001';

/** NFKC (full-width → half-width, compatibility forms) and lower case: what both sides are compared in. */
export function normaliseSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function gramsOf(text: string, out: Set<string>): void {
  for (const word of text.split(/\s+/u)) {
    const chars = Array.from(word);
    for (let i = 0; i < chars.length; i++) {
      out.add(chars[i]!);
      if (i + 1 < chars.length) out.add(chars[i]! + chars[i + 1]!);
    }
  }
}

/** The stored search text and grams of an item: code and both titles, never joined across fields. */
export function searchFields(code: string, titleZh: string | null, titleEn: string | null): { text: string; grams: string[] } {
  const parts = [code, titleZh ?? '', titleEn ?? ''].map(normaliseSearch);
  const grams = new Set<string>();
  for (const p of parts) gramsOf(p, grams);
  return { text: parts.join(FIELD_SEPARATOR), grams: [...grams] };
}

/** Terms of a query (split on white space), each with the grams an item must hold to contain it. */
export function queryTerms(q: string): { term: string; grams: string[] }[] {
  return normaliseSearch(q).split(/\s+/u).filter((t) => t.length > 0).map((term) => {
    const chars = Array.from(term);
    const grams = chars.length === 1 ? chars : chars.slice(0, -1).map((c, i) => c + chars[i + 1]);
    return { term, grams: [...new Set(grams)] };
  });
}

/** LIKE pattern for a substring, with the pattern characters escaped (backslash is the default escape). */
export function likeContains(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
