import path from 'node:path';
import { Worker } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTelegramUpdateQueue } from '../../../bots/telegram/update-queue.ts';
import { telegramBuckets } from '../../../core/delivery/platform-limits.ts';
import { jobName } from '../../../core/queue/contract.ts';
import { type RunningRedis, startEmbeddedRedis } from '../../../scripts/embedded/redis.ts';
import { BullJobQueue, bullPrefix } from '../../../workers/bull-job-queue.ts';
import { createRedisPacer } from '../../../workers/redis-pacer.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { type LyceumProcess, processEnv, startLyceum } from '../../support/processes.ts';
import { eventually } from '../../support/queues.ts';
import { sandboxOrders } from '../../support/sandbox-payments.ts';

const NODES = 3;
const SLOTS = 16_384;
const PASSWORD = 'cluster-test-password';
const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };

/**
 * The Redis keys Lyceum's scripts touch together share a hash tag, so each script stays in one
 * slot of a Redis Cluster: BullMQ's queues under `{prefix}`, the pacer's buckets under
 * `{prefix:pace}`, a Telegram chat's updates under `{prefix:tg:<chat>}`. Checked on a real
 * 3-master cluster through ioredis's Cluster client, where a script crossing slots fails
 * (CROSSSLOT).
 */
describe('Lyceum’s Redis scripts on a Redis Cluster', () => {
  const servers: RunningRedis[] = [];
  let cluster: Cluster;
  let database: TestDatabase | undefined;
  let worker: LyceumProcess | undefined;

  beforeAll(async () => {
    for (let index = 0; index < NODES; index += 1) {
      servers.push(await startEmbeddedRedis({
        dir: path.join(inject('scratchDir'), `cluster-${index}`),
        log: quiet,
        appendOnly: false,
        password: PASSWORD,
        extraConfig: ['cluster-enabled yes', 'cluster-config-file nodes.conf', 'cluster-node-timeout 5000', `masterauth ${PASSWORD}`],
      }));
    }
    const admins = servers.map((server) => new Redis(server.url));
    for (const [index, admin] of admins.entries()) {
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', String(Math.floor((SLOTS * index) / NODES)), String(Math.floor((SLOTS * (index + 1)) / NODES) - 1));
      if (index > 0) await admin.call('CLUSTER', 'MEET', '127.0.0.1', String(servers[0]!.port));
    }
    await eventually(async () => {
      const states = await Promise.all(admins.map(async (admin) => String(await admin.call('CLUSTER', 'INFO'))));
      return states.every((info) => info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${NODES}`)) ? true : undefined;
    }, 30_000);
    admins.forEach((admin) => admin.disconnect());
    cluster = new Cluster(servers.map((server) => ({ host: '127.0.0.1', port: server.port })), { redisOptions: { password: PASSWORD, maxRetriesPerRequest: null } });
  }, 60_000);
  afterAll(async () => {
    if (worker?.child.exitCode === null) worker.child.kill('SIGKILL');
    await database?.drop();
    cluster?.disconnect();
    for (const server of servers) await server.stop();
  });

  it('runs a queued job once, deduplicated, through BullMQ on the cluster', async () => {
    const queue = new BullJobQueue(cluster, 'cluster');
    const ran: unknown[] = [];
    const worker = new Worker('payments', async (job) => void ran.push(job.data), { connection: cluster, prefix: bullPrefix('cluster') });
    try {
      const paymentEventId = '0b7a8c1e-4a4e-4d6f-9d55-2f1f0e5a9c11';
      await queue.enqueue('payments.process-event', { paymentEventId });
      await queue.enqueue('payments.process-event', { paymentEventId });
      await eventually(async () => (ran.length > 0 && (await queue.queue('payments').getJobCounts('completed')).completed === 1 ? true : undefined), 15_000);
      expect(ran).toEqual([{ paymentEventId }]);
      expect((await queue.queue('payments').getCompleted())[0]?.name).toBe(jobName('payments.process-event'));
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('reserves pacer slots across several buckets in one script, and holds a chat to its limit', async () => {
    const pacer = createRedisPacer(cluster, 'cluster');
    const buckets = telegramBuckets('42', 'private');
    expect(buckets.length).toBeGreaterThan(1);
    expect((await pacer.reserve(buckets)).granted).toBe(true);
    expect((await pacer.reserve(buckets)).granted).toBe(false);
  });

  it('stores a Telegram update once and hands it to the handler', async () => {
    const handled: number[] = [];
    const updates = createTelegramUpdateQueue({ redis: cluster, prefix: 'cluster', log: silentLog, handle: async (update) => void handled.push(update.update_id), lockMs: 2_000, concurrency: 2 });
    updates.run();
    try {
      const update = { update_id: 7, message: { message_id: 1, date: 0, chat: { id: 42, type: 'private' as const }, from: { id: 42, is_bot: false, first_name: 'Ada' }, text: 'hi' } };
      await updates.accept(update as never);
      await updates.accept(update as never);
      await eventually(async () => (handled.length ? true : undefined), 15_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handled).toEqual([7]);
    } finally {
      await updates.close();
    }
  });

  it('runs a workers process on the cluster (REDIS_CLUSTER_NODES) that applies every payment once', async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    const queue = new BullJobQueue(cluster, 'cluster-workers');
    try {
      const { orderIds, deliver, processed } = await sandboxOrders({ db: database.db, queue }, 20);
      const { REDIS_URL: _unused, ...env } = processEnv({ databaseUrl: database.url, queuePrefix: 'cluster-workers', name: 'cluster-test' }, {
        REDIS_CLUSTER_NODES: servers.map((server) => `127.0.0.1:${server.port}`).join(','),
        REDIS_PASSWORD: PASSWORD,
      });
      worker = startLyceum('workers', env);
      await worker.waitFor('"msg":"workers started"', 60_000);
      await Promise.all(orderIds.flatMap((id) => [deliver(id), deliver(id)]));
      await eventually(async () => ((await processed()) === orderIds.length ? true : undefined), 60_000);
      expect(await queue.queue('payments').getJobCounts('failed', 'waiting', 'active')).toEqual({ failed: 0, waiting: 0, active: 0 });
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    } finally {
      await queue.close();
    }
  }, 120_000);
});
