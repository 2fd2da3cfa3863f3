import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../../bots/telegram/telegram-bot.ts';
import { entitlements, ledgerEntries, paymentEvents } from '../../../core/db/schema/index.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { type RunningSentinelSet, startSentinelSet } from '../../../scripts/embedded/sentinel.ts';
import { BullJobQueue } from '../../../workers/bull-job-queue.ts';
import { connectRedis, type RedisConnection } from '../../../workers/redis.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { type LyceumProcess, processEnv, startLyceum } from '../../support/processes.ts';
import { eventually } from '../../support/queues.ts';
import { sandboxOrders } from '../../support/sandbox-payments.ts';
import { announceAndConfirm, createTelegramAudience, expectPaidBroadcastOnce, sentAnnouncement } from '../../support/telegram-broadcast.ts';
import { sendsPerChat } from '../../support/telegram-pacing.ts';

const PAYMENTS = 60;
/** Past the paid-broadcast threshold, so the broadcast is fast enough to fail over in its middle. */
const RECIPIENTS = 2_000;
const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };

/**
 * Redis as a highly available deployment runs it: a master, a replica and Sentinel. Two worker
 * processes and the producer find the master through the sentinel; a failover in the middle of
 * the work moves them all to the former replica, and nothing is lost or done twice: every
 * payment applied once, every member of a broadcast reached once.
 */
describe('workers behind Redis Sentinel', () => {
  let database: TestDatabase;
  let set: RunningSentinelSet;
  let redis: RedisConnection;
  let queue: BullJobQueue;
  let telegram: TelegramSim;
  let bot: TelegramBot;
  const running: LyceumProcess[] = [];

  const startWorkers = async (extra: Record<string, string> = {}) => {
    const { REDIS_URL: _unused, ...env } = processEnv({ databaseUrl: database.url, queuePrefix: 'sentinel', name: 'sentinel-test' }, {
      REDIS_SENTINELS: set.target.sentinels.map(({ host, port }) => `${host}:${port}`).join(','),
      REDIS_SENTINEL_NAME: set.target.name,
      REDIS_PASSWORD: set.target.password!,
      WORKER_LOCK_MS: '2000',
      ...extra,
    });
    for (let count = 0; count < 2; count += 1) {
      const worker = startLyceum('workers', env);
      running.push(worker);
      await worker.waitFor('"msg":"workers started"', 60_000);
    }
  };
  const stopWorkers = async () => {
    for (const worker of running.splice(0)) {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    set = await startSentinelSet({ dir: path.join(inject('scratchDir'), 'sentinel'), log: quiet });
    redis = connectRedis(set.target, 'sentinel-test');
    redis.on('error', () => {});
    queue = new BullJobQueue(redis, 'sentinel');
  }, 60_000);
  afterAll(async () => {
    for (const worker of running) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await bot?.close();
    await telegram?.close();
    await queue?.close();
    redis?.disconnect();
    await set?.stop();
    await database?.drop();
  });

  it('applies every payment once through a failover, with two worker processes', async () => {
    const db = database.db;
    const { orderIds, deliver, processed } = await sandboxOrders({ db, queue }, PAYMENTS);
    await startWorkers();
    const formerMaster = await set.masterPort();
    await Promise.all(orderIds.slice(0, PAYMENTS / 2).flatMap((id) => [deliver(id), deliver(id)]));
    const failover = set.failover();
    // Payments keep arriving while the master changes.
    await Promise.all(orderIds.slice(PAYMENTS / 2).flatMap((id) => [deliver(id), deliver(id)]));
    await failover;
    expect(await set.masterPort()).not.toBe(formerMaster);

    await eventually(async () => ((await processed()) === PAYMENTS ? true : undefined), 90_000);
    const [ledger] = await db.select({ count: sql<number>`count(*)::int` }).from(ledgerEntries);
    const [owned] = await db.select({ count: sql<number>`count(*)::int` }).from(entitlements).where(eq(entitlements.source, 'order'));
    expect([ledger?.count, owned?.count]).toEqual([PAYMENTS, PAYMENTS]);
    expect(await db.select().from(paymentEvents)).toHaveLength(PAYMENTS);
    expect(await queue.queue('payments').getJobCounts('failed', 'waiting', 'active')).toEqual({ failed: 0, waiting: 0, active: 0 });
    for (const worker of running) expect(worker.child.exitCode).toBeNull();
    await stopWorkers();
  }, 180_000);

  it('reaches every member of a broadcast once through a failover in its middle', async () => {
    const db = database.db;
    telegram = await startTelegramSim({ botUsername: 'lyceum_sentinel_bot', floodLimits: true, botStarBalance: RECIPIENTS });
    const world = await createTelegramAudience(db, telegram, { count: RECIPIENTS, paidBroadcast: true });
    await startWorkers({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
    bot = createTelegramBot({ token: telegram.token, apiRoot: telegram.apiRoot, deps: { ...commandDeps(db, { queue }), log: silentLog }, log: silentLog });
    await bot.start();

    await announceAndConfirm(telegram, world.creator, 'The **spring cohort** opens on Monday.', /spring cohort/);
    const delivered = () => [...sendsPerChat(telegram)].filter(([chat]) => world.members.has(chat)).length;

    await eventually(async () => (delivered() >= RECIPIENTS / 4 ? true : undefined), 120_000);
    const formerMaster = await set.masterPort();
    await set.failover();
    expect(await set.masterPort()).not.toBe(formerMaster);
    const afterFailover = delivered();

    const announcement = await sentAnnouncement(db, world.communityId, 180_000);
    expect(afterFailover).toBeLessThan(RECIPIENTS);
    const rate = await expectPaidBroadcastOnce(db, telegram, world, announcement.id);
    expect(await queue.queue('delivery').getJobCounts('failed')).toEqual({ failed: 0 });
    for (const worker of running) expect(worker.child.exitCode).toBeNull();
    console.info(`sentinel broadcast: ${RECIPIENTS} paid sends, ${afterFailover} before the failover ended, max ${rate.maxPerSecondOverall}/s, ${rate.refused429} 429s`);
  }, 240_000);
});
