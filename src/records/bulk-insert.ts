import { sql, type RawBuilder } from 'kysely';

/** A column of a set-based insert: its name and the SQL array type its values are sent as. */
export type Column<R> = readonly [name: keyof R & string, arrayType: string];

/**
 * `insert into t (cols) select * from unnest($1::type[], …)`: one bound array per column instead of
 * one placeholder per cell. A 500-row chunk of a 19-column table is then 19 parameters, which keeps
 * statement building, binding and PostgreSQL's planning flat in the chunk size.
 */
export function unnestInsert<R>(table: string, columns: readonly Column<R>[], rows: R[]): RawBuilder<unknown> {
  const names = sql.raw(columns.map(([c]) => c).join(', '));
  const arrays = sql.join(columns.map(([c, type]) => sql`${rows.map((r) => r[c] ?? null)}::${sql.raw(type)}`));
  return sql`insert into ${sql.table(table)} (${names}) select * from unnest(${arrays})`;
}
