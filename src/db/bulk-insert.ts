import { sql, type RawBuilder } from 'kysely';

/**
 * A column of a set-based insert: its name, the SQL array type its values are sent as, and, when the
 * column's own type cannot be an array element (an array column: unnest would flatten it), how to
 * turn the value sent into the column's value.
 */
export type Column<R> = readonly [name: keyof R & string, arrayType: `${string}[]`, read?: (sent: RawBuilder<unknown>) => RawBuilder<unknown>];

/** An array column (e.g. text[]) sent as one JSON array per row. */
export const textArrayFromJson = (sent: RawBuilder<unknown>): RawBuilder<unknown> => sql`array(select jsonb_array_elements_text(${sent}))`;

const sameValue = (a: unknown, b: unknown) =>
  a === b || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** One element of a PostgreSQL array literal: always quoted, so no text can be taken for NULL or a delimiter. */
function element(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  let s: string;
  if (typeof v === 'string') s = v;
  else if (v instanceof Date) s = v.toISOString();
  else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  else s = JSON.stringify(v);
  return NEEDS_ESCAPE.test(s) ? `"${s.replace(ESCAPED, '\\$&')}"` : `"${s}"`;
}

/** The text of a one-dimensional array literal, `{"a","b",NULL}`. */
export function arrayLiteral(values: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) out += (i === 0 ? '' : ',') + element(values[i]);
  return `${out}}`;
}

/**
 * `insert into t (cols) select … from unnest($1::type[], …)`: one bound array per column instead of
 * one placeholder per cell. A 500-row chunk of a 19-column table is then at most 19 parameters, which
 * keeps statement building, binding and PostgreSQL's planning flat in the chunk size.
 *
 * A column with the same value in every row (a chunk's institution, action, actor, timestamp) is sent
 * once as a scalar instead of as an array. The arrays are written as literal text here rather than
 * by the driver's generic array serialiser, which was a tenth of a bulk deposit's CPU in Node.
 */
export function unnestInsert<R>(table: string, columns: readonly Column<R>[], rows: readonly R[],
  /** Insert only the rows whose `column` value is among the values `in` selects (a subquery, e.g. of a WITH). */
  only?: { column: keyof R & string; in: RawBuilder<unknown> }): RawBuilder<unknown> {
  if (rows.length === 0) throw new Error('unnestInsert needs at least one row');
  if (only && !columns.some(([c]) => c === only.column)) throw new Error(`unnestInsert: ${only.column} is not a column`);
  const names = sql.raw(columns.map(([c]) => c).join(', '));
  const selected: RawBuilder<unknown>[] = [];
  const arrays: RawBuilder<unknown>[] = [];
  for (const [c, arrayType, read = (sent: RawBuilder<unknown>) => sent] of columns) {
    const first = rows[0]![c] ?? null;
    let constant = true;
    for (let i = 1; i < rows.length && constant; i++) constant = sameValue(rows[i]![c] ?? null, first);
    if (constant) {
      selected.push(read(sql`${first instanceof Date || typeof first !== 'object' || first === null ? first : JSON.stringify(first)}::${sql.raw(arrayType.slice(0, -2))}`));
    } else {
      arrays.push(sql`${arrayLiteral(rows.map((r) => r[c]))}::${sql.raw(arrayType)}`);
      selected.push(read(sql.raw(`u.c${arrays.length}`)));
    }
  }
  const from = arrays.length === 0
    ? sql`generate_series(1, ${rows.length}::int) as u`
    : sql`unnest(${sql.join(arrays)}) as u(${sql.raw(arrays.map((_, i) => `c${i + 1}`).join(', '))})`;
  const where = only ? sql` where ${selected[columns.findIndex(([c]) => c === only.column)]!} in (${only.in})` : sql``;
  return sql`insert into ${sql.table(table)} (${names}) select ${sql.join(selected)} from ${from}${where}`;
}
