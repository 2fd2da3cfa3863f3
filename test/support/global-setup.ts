import { chmod, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../core/db/migrate.ts';
import { startEmbeddedPgBouncer } from '../../scripts/embedded/pgbouncer.ts';
import { startEmbeddedPostgres } from '../../scripts/embedded/postgres.ts';
import { startEmbeddedRedis } from '../../scripts/embedded/redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template database, on Postgres itself; test files clone it (see database.ts). */
    templateDatabaseUrl: string;
    /** The same server through PgBouncer in transaction mode: what tests and processes query through. */
    pooledDatabaseUrl: string;
    redisUrl: string;
    /** A scratch directory for this run, removed at the end. */
    scratchDir: string;
  }
}

const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };

/**
 * One real Postgres and one real Redis for the whole run, private to it: a throwaway embedded
 * cluster (durability off: it is deleted afterwards) behind PgBouncer in transaction mode, as
 * production runs it, and a redis-server without persistence.
 */
export default async function setup(project: TestProject) {
  const scratchDir = await mkdtemp('/tmp/lyceum-test-');
  await chmod(scratchDir, 0o755);
  const postgres = await startEmbeddedPostgres({
    dir: path.join(scratchDir, 'pg'),
    database: 'lyceum_template',
    log: quiet,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '400' },
  });
  const started = await Promise.all([
    startEmbeddedPgBouncer({ dir: path.join(scratchDir, 'pgbouncer'), serverUrl: postgres.url, log: quiet }),
    startEmbeddedRedis({ dir: path.join(scratchDir, 'redis'), log: quiet, appendOnly: false }),
  ]).catch(async (error: unknown) => {
    await postgres.stop();
    throw error;
  });
  const [pooler, redis] = started;
  await migrateDatabase(postgres.url);
  project.provide('templateDatabaseUrl', postgres.url);
  project.provide('pooledDatabaseUrl', pooler.url);
  project.provide('redisUrl', redis.url);
  project.provide('scratchDir', scratchDir);
  return async () => {
    await redis.stop();
    await pooler.stop();
    await postgres.stop();
    await rm(scratchDir, { recursive: true, force: true });
  };
}
