import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Any fixed number, shared by every Lyceum process: only one of them migrates at a time. */
const MIGRATION_LOCK = 0x4c7963;

/**
 * Applies pending migrations from migrations/. Safe to run from several processes at once: a
 * session advisory lock on a single-connection client serialises them, and the later ones find
 * nothing left to do. The lock belongs to a session, so `url` must reach Postgres directly, not
 * through a transaction-mode pooler (DATABASE_DIRECT_URL).
 */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, prepare: false, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(sql), { migrationsFolder });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
