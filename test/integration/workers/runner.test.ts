import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../../core/db/client.ts';
import { buttonPayloads, courseStats } from '../../../core/db/schema/index.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { registerJobMetrics } from '../../../workers/metrics.ts';
import { startWorkers, type WorkerRuntime } from '../../../workers/runner.ts';
import { scratchFileStore } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock, silentLog } from '../../support/fakes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';

describe('startWorkers', () => {
  let database: TestDatabase;
  let queues: TestQueues;
  let runtime: WorkerRuntime | undefined;
  let communityId: string;
  let registry: Registry;

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await seedDemoCommunity(database.db, new Date())).communityId;
  });
  afterEach(async () => {
    await runtime?.close(5_000);
    runtime = undefined;
    await queues.close();
  });
  afterAll(() => database.drop());

  const start = async (db = database.db) => {
    registry = new Registry();
    const metrics = registerJobMetrics(registry, (name) => queues.queue.queue(name));
    runtime = await startWorkers({ db, clock: new FakeClock(), queue: queues.queue, log: silentLog, payments: { sandbox: true }, files: scratchFileStore() }, queues.queue, {
      connection: queues.redis,
      prefix: queues.prefix,
      concurrency: 2,
      log: silentLog,
      metrics,
      schedulers: false,
    });
  };
  const finished = (state: 'completed' | 'failed') =>
    eventually(async () => {
      const [job] = await queues.queue.queue('maintenance').getJobs([state]);
      return job;
    });

  it('runs a job enqueued through the contract and records its metrics', async () => {
    queues = createTestQueues();
    await database.db.delete(courseStats);
    await start();
    await queues.queue.enqueue('maintenance.refresh-course-stats', { communityId });
    const job = await finished('completed');
    expect(job.returnvalue).toBe(22);
    expect(await database.db.select().from(courseStats).where(eq(courseStats.communityId, communityId))).toHaveLength(22);
    expect(await registry.getSingleMetricAsString('lyceum_jobs_total')).toContain(
      'lyceum_jobs_total{queue="maintenance",job="refresh-course-stats",outcome="completed"} 1',
    );
  });

  it('prunes stored button payloads unused for 30 days through the contract', async () => {
    queues = createTestQueues();
    const fresh = { communityId, key: 'freshkey00000000', payload: 'cp|2||fresh' };
    const stale = { communityId, key: 'stalekey00000000', payload: 'cp|2||stale', lastUsedAt: new Date(Date.now() - 40 * 86_400_000) };
    await database.db.insert(buttonPayloads).values([fresh, stale]);
    await start();
    await queues.queue.enqueue('maintenance.prune-button-payloads', {});
    const job = await finished('completed');
    expect(job.returnvalue).toBe(1);
    expect((await database.db.select({ key: buttonPayloads.key }).from(buttonPayloads)).map((row) => row.key)).toEqual([fresh.key]);
  });

  it('refuses to enqueue a payload that breaks the contract', async () => {
    queues = createTestQueues();
    await expect(
      queues.queue.enqueue('maintenance.refresh-course-stats', { communityId: 'not-a-uuid' }),
    ).rejects.toThrow(/refusing to enqueue maintenance.refresh-course-stats/);
    expect(await queues.queue.queue('maintenance').count()).toBe(0);
  });

  it('fails an invalid payload that reached Redis anyway, once, with the reason', async () => {
    queues = createTestQueues();
    await start();
    await queues.queue.queue('maintenance').add('refresh-course-stats', { communityId: 42 }, { attempts: 5 });
    const job = await finished('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^invalid payload: .*communityId/);
  });

  it('fails an unknown job name without retrying', async () => {
    queues = createTestQueues();
    await start();
    await queues.queue.queue('maintenance').add('no-such-job', {}, { attempts: 5 });
    const job = await finished('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('unknown job maintenance.no-such-job');
  });

  it('does not retry a domain refusal', async () => {
    queues = createTestQueues();
    await start();
    await queues.queue.enqueue('maintenance.refresh-course-stats', { communityId: randomUUID() });
    const job = await finished('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.opts.attempts).toBe(3);
    expect(job.failedReason).toBe('domain error: community_not_found');
  });

  it('retries through an outage and succeeds once the database is back', async () => {
    queues = createTestQueues();
    // A database that does not exist yet: every query fails the way an outage does.
    const name = `${database.name}_later`;
    const laterUrl = Object.assign(new URL(database.url), { pathname: `/${name}` }).toString();
    const unreachable = connectDatabase(laterUrl, { max: 1 });
    await start(unreachable.db);
    await queues.queue.queue('maintenance').add('refresh-course-stats', {}, { attempts: 50, backoff: { type: 'fixed', delay: 100 } });
    await eventually(async () => {
      const [job] = await queues.queue.queue('maintenance').getJobs(['delayed', 'waiting', 'active']);
      return job && job.attemptsMade >= 2 ? job : undefined;
    });

    // Bring it back complete: build it under another name, then rename it into place. On
    // Postgres itself: a rename waits for no connection left, and PgBouncer keeps idle ones.
    const template = new URL(inject('templateDatabaseUrl')).pathname.slice(1);
    const adminUrl = Object.assign(new URL(database.directUrl), { pathname: '/postgres' }).toString();
    const admin = connectDatabase(adminUrl, { max: 1 });
    await admin.sql.unsafe(`create database "${name}_staging" template "${template}"`);
    const staging = connectDatabase(Object.assign(new URL(database.directUrl), { pathname: `/${name}_staging` }).toString(), {
      max: 1,
    });
    await seedDemoCommunity(staging.db, new Date());
    await staging.close();
    await admin.sql.unsafe(`alter database "${name}_staging" rename to "${name}"`);
    await admin.close();

    const job = await finished('completed');
    expect(job.attemptsMade).toBeGreaterThanOrEqual(2);
    expect(job.returnvalue).toBe(22);
    await runtime?.close(5_000);
    runtime = undefined;
    await unreachable.close();
    const dropper = connectDatabase(adminUrl, { max: 1 });
    await dropper.sql.unsafe(`drop database "${name}" with (force)`);
    await dropper.close();
  });

  it('coalesces enqueues that share a business key while one is pending', async () => {
    queues = createTestQueues();
    for (let i = 0; i < 3; i += 1) await queues.queue.enqueue('maintenance.refresh-course-stats', { communityId });
    await queues.queue.enqueue('maintenance.refresh-course-stats', {});
    expect(await queues.queue.queue('maintenance').count()).toBe(2);
  });
});
