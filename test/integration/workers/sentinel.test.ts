import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordPaymentEvent } from '../../../core/commerce/payment-events.ts';
import { entitlements, ledgerEntries, members, orders, paymentEvents, products } from '../../../core/db/schema/index.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { type RunningSentinelSet, startSentinelSet } from '../../../scripts/embedded/sentinel.ts';
import { BullJobQueue } from '../../../workers/bull-job-queue.ts';
import { connectRedis } from '../../../workers/redis.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { type LyceumProcess, processEnv, startLyceum } from '../../support/processes.ts';
import { eventually } from '../../support/queues.ts';

const PAYMENTS = 60;
const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };

/**
 * Redis as a highly available deployment runs it: a master, a replica and Sentinel. Two worker
 * processes and the producer find the master through the sentinel; a failover half-way through
 * the payments moves them all to the former replica, and every payment is applied exactly once.
 */
describe('workers behind Redis Sentinel', () => {
  let database: TestDatabase;
  let set: RunningSentinelSet;
  let redis: Redis;
  let queue: BullJobQueue;
  const running: LyceumProcess[] = [];

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
    await queue?.close();
    redis?.disconnect();
    await set?.stop();
    await database?.drop();
  });

  it('applies every payment once through a failover, with two worker processes', async () => {
    const db = database.db;
    const [bootcamp] = await db.select().from(products).where(eq(products.slug, 'python-bootcamp'));
    const orderIds: string[] = [];
    for (let index = 0; index < PAYMENTS; index += 1) {
      const [member] = await db.insert(members).values({ displayName: `Buyer ${index}` }).returning();
      const [order] = await db.insert(orders).values({ communityId: bootcamp!.communityId, memberId: member!.id, productId: bootcamp!.id, provider: 'sandbox', amount: 9900, currency: 'USD' }).returning();
      orderIds.push(order!.id);
    }
    const { REDIS_URL: _unused, ...env } = processEnv({ databaseUrl: database.url, queuePrefix: 'sentinel', name: 'sentinel-test' }, {
      REDIS_SENTINELS: set.target.sentinels.map(({ host, port }) => `${host}:${port}`).join(','),
      REDIS_SENTINEL_NAME: set.target.name,
      REDIS_PASSWORD: set.target.password!,
      WORKER_LOCK_MS: '2000',
    });
    for (let count = 0; count < 2; count += 1) {
      const worker = startLyceum('workers', env);
      running.push(worker);
      await worker.waitFor('"msg":"workers started"', 60_000);
    }
    const deliver = (orderId: string) =>
      recordPaymentEvent({ db, queue }, {
        provider: 'sandbox',
        providerEventId: `sbx_${orderId}_paid`,
        type: 'sandbox.paid',
        orderId,
        communityId: bootcamp!.communityId,
        payload: { facts: [{ kind: 'charge', ref: `sbx_${orderId}`, amount: 9900, currency: 'USD', occurredAt: new Date().toISOString() }] },
      });
    const formerMaster = await set.masterPort();
    await Promise.all(orderIds.slice(0, PAYMENTS / 2).flatMap((id) => [deliver(id), deliver(id)]));
    const failover = set.failover();
    // Payments keep arriving while the master changes.
    await Promise.all(orderIds.slice(PAYMENTS / 2).flatMap((id) => [deliver(id), deliver(id)]));
    await failover;
    expect(await set.masterPort()).not.toBe(formerMaster);

    await eventually(async () => {
      const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(paymentEvents).where(sql`${paymentEvents.processedAt} is not null`);
      return row?.count === PAYMENTS ? true : undefined;
    }, 90_000);
    const [ledger] = await db.select({ count: sql<number>`count(*)::int` }).from(ledgerEntries);
    const [owned] = await db.select({ count: sql<number>`count(*)::int` }).from(entitlements).where(eq(entitlements.source, 'order'));
    expect([ledger?.count, owned?.count]).toEqual([PAYMENTS, PAYMENTS]);
    expect(await db.select().from(paymentEvents)).toHaveLength(PAYMENTS);
    expect(await queue.queue('payments').getJobCounts('failed', 'waiting', 'active')).toEqual({ failed: 0, waiting: 0, active: 0 });
    for (const worker of running) expect(worker.child.exitCode).toBeNull();
  }, 180_000);
});
