import { sql } from 'drizzle-orm';
import type { Queryable } from '../../core/db/client.ts';

/** Every row of every table as text, the way a database dump carries it (tables in `except` left out). */
export async function dumpText(db: Queryable, except: string[] = []): Promise<string> {
  const tables = ((await db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)) as unknown as Array<{ tablename: string }>).filter(({ tablename }) => !except.includes(tablename));
  const parts: string[] = [];
  for (const { tablename } of tables) parts.push(...((await db.execute(sql`select t::text as row from ${sql.identifier(tablename)} t`)) as unknown as Array<{ row: string }>).map((row) => row.row));
  return parts.join('\n');
}
