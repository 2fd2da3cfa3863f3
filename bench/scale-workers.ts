/**
 * bench:scale, workers role (run through bench/scale.ts): N `workers` processes on one queue,
 * fed sandbox payment events of the demo's Python Bootcamp, each for a fresh unpaid order. The
 * producer keeps IN_FLIGHT events recorded but not yet applied (what a burst of webhooks leaves
 * queued); latency is from the producer recording the event (insert + enqueue, as the webhook
 * route does) to the worker's `processed_at`. Orders are created ahead in bulk, outside the window.
 */
import { performance } from 'node:perf_hooks';
import { eq, inArray } from 'drizzle-orm';
import { sandboxPaidEvent } from '../core/commerce/pay-sandbox.ts';
import { recordPaymentEvent } from '../core/commerce/payment-events.ts';
import { members, orders, paymentEvents, products } from '../core/db/schema/index.ts';
import { seedDemoCommunity } from '../core/seed/seed-demo.ts';
import { Redis } from 'ioredis';
import { BullJobQueue } from '../workers/bull-job-queue.ts';
import type { RoleResult, Row, ScaleContext } from './scale.ts';

const BATCH = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function scaleWorkers(context: ScaleContext): Promise<RoleResult> {
  const { durationS, warmupS, inFlight, counts } = context.knobs;
  const { db } = context;
  await seedDemoCommunity(db, new Date());
  const [bootcamp] = await db.select().from(products).where(eq(products.slug, 'python-bootcamp'));
  if (!bootcamp) throw new Error('the demo seed has no python-bootcamp product');
  const { communityId, id: productId } = bootcamp;

  // Unpaid orders, a member each, made BATCH at a time ahead of the producer.
  const pool: string[] = [];
  let made = 0;
  let refilling: Promise<void> | undefined;
  const refill = () =>
    (refilling ??= (async () => {
      const buyers = await db.insert(members).values(Array.from({ length: BATCH }, (_, index) => ({ displayName: `Buyer ${made + index}` }))).returning({ id: members.id });
      const created = await db.insert(orders).values(buyers.map((buyer) => ({ communityId, memberId: buyer.id, productId, provider: 'sandbox' as const, amount: 9900, currency: 'USD' }))).returning({ id: orders.id });
      made += created.length;
      pool.push(...created.map((order) => order.id));
    })().finally(() => {
      refilling = undefined;
    }));
  while (pool.length < BATCH * 4) await refill();

  const rows: Row[] = [];
  for (const processes of counts) {
    await context.stopAll();
    const running = Array.from({ length: processes }, (_, index) => context.start('workers', `workers-${processes}-${index}`));
    await Promise.all(running.map((run) => run.waitFor('"msg":"workers started"', 120_000)));
    rows.push(await drive(context, processes, { pool, refill, communityId, durationS, warmupS, inFlight }));
  }
  await context.stopAll();
  const concurrency = process.env.WORKER_CONCURRENCY ?? '4';
  const title = `workers: sandbox payments applied (${concurrency} payment jobs per process, ${inFlight} in flight, ${durationS} s), recorded + enqueued -> processed_at`;
  return { role: 'workers', title, rows };
}

type Feed = { pool: string[]; refill(): Promise<void>; communityId: string; durationS: number; warmupS: number; inFlight: number };

async function drive(context: ScaleContext, processes: number, feed: Feed): Promise<Row> {
  const { pool, refill, communityId, durationS, warmupS, inFlight } = feed;
  const redis = new Redis(context.redisUrl, { maxRetriesPerRequest: null });
  const queue = new BullJobQueue(redis, 'scale');
  const outstanding = new Map<string, number>();
  const applied: Array<{ recorded: number; processed: number; outcome: string | null }> = [];
  let issuing = 0;
  let failures = 0;
  const started = Date.now();
  const windowStart = started + warmupS * 1000;
  const end = windowStart + durationS * 1000;
  const cpu = context.measureCpu(windowStart, end);
  const issue = async () => {
    issuing += 1;
    try {
      if (pool.length < BATCH) void refill();
      while (!pool.length) await refill();
      const orderId = pool.shift()!;
      const recorded = Date.now();
      const { paymentEventId } = await recordPaymentEvent({ db: context.pooledDb, queue }, sandboxPaidEvent({ id: orderId, amount: 9900, currency: 'USD', communityId }, new Date()));
      outstanding.set(paymentEventId, recorded);
    } catch {
      failures += 1;
    } finally {
      issuing -= 1;
    }
  };
  try {
    const drainBy = end + 60_000;
    for (;;) {
      const now = Date.now();
      if (now < end) for (let gap = inFlight - outstanding.size - issuing; gap > 0; gap -= 1) void issue();
      else if ((outstanding.size === 0 && issuing === 0) || now > drainBy) break;
      await sleep(20);
      const ids = [...outstanding.keys()];
      if (!ids.length) continue;
      const done = await context.db
        .select({ id: paymentEvents.id, processedAt: paymentEvents.processedAt, outcome: paymentEvents.outcome })
        .from(paymentEvents)
        .where(inArray(paymentEvents.id, ids));
      for (const row of done) {
        if (!row.processedAt) continue;
        applied.push({ recorded: outstanding.get(row.id)!, processed: row.processedAt.getTime(), outcome: row.outcome });
        outstanding.delete(row.id);
      }
    }
  } finally {
    await queue.close();
    await redis.quit();
  }
  const inWindow = applied.filter((entry) => entry.processed >= windowStart && entry.processed <= end);
  const notApplied = inWindow.filter((entry) => entry.outcome !== 'applied').length;
  const problems = [
    ...(failures ? [`${failures} events not recorded`] : []),
    ...(notApplied ? [`${notApplied} not applied`] : []),
    ...(outstanding.size ? [`${outstanding.size} still unprocessed a minute after the window`] : []),
  ];
  const latencies = inWindow.filter((entry) => entry.outcome === 'applied').map((entry) => entry.processed - entry.recorded);
  console.log(`  workers x${processes}: ${latencies.length} payments in ${durationS} s${problems.length ? ` (${problems.join(', ')})` : ''}`);
  return { processes, seconds: durationS, latencies, problems, cpu: await cpu };
}
