import { type SQL, sql } from 'drizzle-orm';

/** A Postgres array of one type from bound values (drizzle would write a JS array as a row). */
export function sqlArray(values: readonly string[], type: 'text' | 'timestamptz'): SQL {
  if (!values.length) return sql.raw(`'{}'::${type}[]`);
  return sql`array[${sql.join(values.map((value) => sql`${value}`), sql`, `)}]::${sql.raw(type)}[]`;
}
