import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entitlements, ledgerEntries, orders, paymentEvents } from '../../../core/db/schema/index.ts';
import { seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { type LyceumProcess, processEnv, startLyceum } from '../../support/processes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';
import { sandboxOrders } from '../../support/sandbox-payments.ts';

const PAYMENTS = 40;

/**
 * How Lyceum scales past one process: two worker processes on one Redis and one Postgres take
 * payment events from the same queue, with every event delivered twice and one process
 * stopped half-way. Each payment ends in exactly one ledger entry and one entitlement.
 */
describe('two worker processes on the same queues', () => {
  let database: TestDatabase;
  let queues: TestQueues;
  let env: Record<string, string>;
  const running: LyceumProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    queues = createTestQueues();
    env = processEnv({ databaseUrl: database.url, queuePrefix: queues.prefix, name: 'two-workers-test' }, { WORKER_CONCURRENCY: '4' });
  });
  afterAll(async () => {
    for (const worker of running) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await queues.close();
    await database.drop();
  });

  it('applies every payment exactly once, duplicates and a stopped process included', async () => {
    const db = database.db;
    const { orderIds, deliver, processed } = await sandboxOrders({ db, queue: queues.queue }, PAYMENTS);
    for (let count = 0; count < 2; count += 1) {
      const worker = startLyceum('workers', env);
      running.push(worker);
      await worker.waitFor('"msg":"workers started"');
    }
    // Every event twice, the copies racing each other; the first process stops half-way.
    await Promise.all(orderIds.slice(0, PAYMENTS / 2).flatMap((id) => [deliver(id), deliver(id)]));
    running[0]!.child.kill('SIGTERM');
    await Promise.all(orderIds.slice(PAYMENTS / 2).flatMap((id) => [deliver(id), deliver(id)]));

    await eventually(async () => ((await processed()) === PAYMENTS ? true : undefined), 60_000);
    expect(await running[0]!.exited).toBe(0);
    const [ledger] = await db.select({ count: sql<number>`count(*)::int` }).from(ledgerEntries);
    const [owned] = await db.select({ count: sql<number>`count(*)::int` }).from(entitlements).where(eq(entitlements.source, 'order'));
    const [paid] = await db.select({ count: sql<number>`count(*)::int` }).from(orders).where(eq(orders.status, 'paid'));
    expect([ledger?.count, owned?.count, paid?.count]).toEqual([PAYMENTS, PAYMENTS, PAYMENTS]);
    expect(await db.select().from(paymentEvents)).toHaveLength(PAYMENTS);
    running[1]!.child.kill('SIGTERM');
    expect(await running[1]!.exited).toBe(0);
  });
});
