import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase } from '../support/database.ts';
import { startLyceum } from '../support/processes.ts';

describe('cli', () => {
  it('stops with one clear line and a non-zero code on an invalid DATABASE_URL', async () => {
    const run = startLyceum('all', { DATABASE_URL: 'not-a-url' });
    expect(await run.exited).toBe(78);
    expect(run.output().trim()).toBe('Configuration error: DATABASE_URL must be a postgres:// or postgresql:// URL.');
  });

  it('refuses an unknown role', async () => {
    const run = startLyceum('everything', {});
    expect(await run.exited).toBe(64);
    expect(run.output()).toContain('unknown role "everything"');
  });

  it('migrates and seeds an external database idempotently through the migrate and seed roles', async () => {
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, REDIS_URL: inject('redisUrl'), DATA_DIR: `${inject('scratchDir')}/cli-test` };
    try {
      const migrate = startLyceum('migrate', env);
      expect(await migrate.exited).toBe(0);
      const seed = startLyceum('seed', env);
      expect(await seed.exited).toBe(0);
      expect(seed.output()).toContain('Seeded the demo community.');
      const again = startLyceum('seed', env);
      expect(await again.exited).toBe(0);
      expect(again.output()).toContain('already there; nothing changed');
    } finally {
      await database.drop();
    }
  });
});
