import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { connectDatabase, type DatabaseConnection } from '../../core/db/client.ts';
import { installTestDataKeys } from './data-keys.ts';

/** `url` goes through the run's PgBouncer; `directUrl` reaches Postgres itself (migrations). */
export type TestDatabase = DatabaseConnection & { url: string; directUrl: string; name: string; drop(): Promise<void> };

const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

/**
 * A fresh database for one test file, cloned from the migrated template (fast: no migrations
 * run). Tests in the file share it; files never see each other's data.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  installTestDataKeys();
  const templateUrl = inject('templateDatabaseUrl');
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(withDatabase(templateUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(inject('pooledDatabaseUrl'), name);
  const connection = connectDatabase(url, { max: 5 });
  return {
    ...connection,
    url,
    directUrl: directUrlOf(url),
    name,
    async drop() {
      await connection.close();
      const dropper = postgres(withDatabase(templateUrl, 'postgres'), { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** The same database on Postgres itself, for what needs a session (migrations' advisory lock). */
export function directUrlOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.host !== new URL(inject('pooledDatabaseUrl')).host) return url;
  return withDatabase(inject('templateDatabaseUrl'), parsed.pathname.slice(1));
}
