/** A unique-constraint violation (SQLSTATE 23505), from pg or PGlite: a racing insert won. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === '23505' || /duplicate key|unique/i.test(String((err as Error | null)?.message));
}
