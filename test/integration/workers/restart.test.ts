import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { type LyceumProcess, processEnv, startLyceum } from '../../support/processes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';

describe('the workers process', () => {
  let database: TestDatabase;
  let queues: TestQueues;
  let communityId: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await seedDemoCommunity(database.db, new Date())).communityId;
    queues = createTestQueues();
    env = processEnv({ databaseUrl: database.url, queuePrefix: queues.prefix, name: 'restart-test' });
  });
  afterAll(async () => {
    await queues.close();
    await database.drop();
  });

  const startWorkersProcess = async (): Promise<LyceumProcess> => {
    const worker = startLyceum('workers', env);
    await worker.waitFor('"msg":"workers started"');
    return worker;
  };
  // The maintenance queue also runs the workers' own schedules (the analytics rollups): count only these jobs.
  const countOf = async (state: 'completed' | 'waiting') => (await queues.queue.queue('maintenance').getJobs([state])).filter((job) => job.name === 'refresh-course-stats').length;
  const completedCount = () => countOf('completed');

  it('processes after a restart the jobs enqueued while it was stopped or killed', async () => {
    const first = await startWorkersProcess();
    await queues.queue.enqueue('maintenance.refresh-course-stats', { communityId });
    await eventually(async () => ((await completedCount()) === 1 ? true : undefined));

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"msg":"shutting down"');

    await queues.queue.enqueue('maintenance.refresh-course-stats', { communityId });
    expect(await countOf('waiting')).toBe(1);

    const second = await startWorkersProcess();
    await eventually(async () => ((await completedCount()) === 2 ? true : undefined));

    second.child.kill('SIGKILL');
    await second.exited;
    await queues.queue.enqueue('maintenance.refresh-course-stats', {});
    expect(await countOf('waiting')).toBe(1);

    const third = await startWorkersProcess();
    await eventually(async () => ((await completedCount()) === 3 ? true : undefined));
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });
});
