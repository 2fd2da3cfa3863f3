import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordPaymentEvent } from '../../../core/commerce/payment-events.ts';
import { connectDatabase, type DatabaseConnection } from '../../../core/db/client.ts';
import { migrateDatabase } from '../../../core/db/migrate.ts';
import { accessGrants, communities, entitlements, ledgerEntries, members, memberships, orders, paymentEvents, platformIdentities, platformSpaces, productGrants, products } from '../../../core/db/schema/index.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../../../scripts/embedded/postgres.ts';
import { freePort } from '../../../scripts/embedded/processes.ts';
import { type RunningRedis, startEmbeddedRedis } from '../../../scripts/embedded/redis.ts';
import { BullJobQueue } from '../../../workers/bull-job-queue.ts';
import { type DiscordSim, startDiscordSim } from '../../sim/discord/index.ts';
import { listeningPort, type LyceumProcess, startLyceum } from '../../support/processes.ts';
import { eventually } from '../../support/queues.ts';

const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };
const ROLE_PATH = /^\/guilds\/\d+\/members\/\d+\/roles\/\d+$/;

/**
 * Access under faults, with real worker processes on a private Postgres and Redis that the test
 * can kill and restart, against the Discord simulator: a worker SIGKILLed mid-job while a second
 * one runs, Redis restarted with jobs waiting, Postgres restarted under running workers, and
 * Discord answering 503 for a while. After each, every paid member holds the role, every refunded
 * one does not, each role was added (and removed) on Discord exactly once, every event was applied
 * once, and no job is left failed or waiting.
 */
describe('access under faults', () => {
  let scratch: string;
  let pg: RunningPostgres;
  let pgPort: number;
  let redisServer: RunningRedis;
  let redisPort: number;
  let database: DatabaseConnection;
  let redis: Redis;
  let queue: BullJobQueue;
  let sim: DiscordSim;
  let guildId: string;
  let roleId: string;
  let communityId: string;
  let productId: string;
  let env: Record<string, string>;
  const running: LyceumProcess[] = [];
  const buyers: Array<{ userId: string; orderId: string; paid: boolean; refunded: boolean }> = [];

  const startPostgres = () => startEmbeddedPostgres({ dir: path.join(scratch, 'pg'), database: 'faults', log: quiet, port: pgPort, settings: { fsync: 'off' } });
  const startRedis = () => startEmbeddedRedis({ dir: path.join(scratch, 'redis'), log: quiet, port: redisPort });
  const startWorker = async () => {
    const worker = startLyceum('workers', env);
    running.push(worker);
    await worker.waitFor('"msg":"workers started"', 60_000);
    return worker;
  };
  const stop = async (worker: LyceumProcess, signal: 'SIGTERM' | 'SIGKILL') => {
    worker.child.kill(signal);
    await worker.exited;
  };

  /** New buyers, each with a pending order, in the server without the role. */
  const newBuyers = async (count: number) => {
    const added: typeof buyers = [];
    for (let index = 0; index < count; index += 1) {
      const userId = sim.createUser({ username: `buyer${buyers.length + index}` }).id;
      sim.addMember(guildId, userId);
      const [member] = await database.db.insert(members).values({ displayName: `Buyer ${userId}` }).returning();
      await database.db.insert(platformIdentities).values({ memberId: member!.id, platform: 'discord', platformUserId: userId });
      await database.db.insert(memberships).values({ communityId, memberId: member!.id });
      const [order] = await database.db.insert(orders).values({ communityId, memberId: member!.id, productId, provider: 'sandbox', amount: 900, currency: 'USD' }).returning();
      added.push({ userId, orderId: order!.id, paid: false, refunded: false });
    }
    buyers.push(...added);
    return added;
  };
  /** The provider's news, delivered twice each (as webhooks are): a charge, or a full refund. */
  const deliver = async (buyer: (typeof buyers)[number], kind: 'charge' | 'refund') => {
    const fact = kind === 'charge'
      ? { kind, ref: `sbx_${buyer.orderId}`, amount: 900, currency: 'USD', occurredAt: new Date().toISOString() }
      : { kind, ref: `sbx_re_${buyer.orderId}`, paymentRef: `sbx_${buyer.orderId}`, amount: 900, currency: 'USD', occurredAt: new Date().toISOString() };
    const event = { provider: 'sandbox' as const, providerEventId: `sbx_${buyer.orderId}_${kind}`, type: `sandbox.${kind}`, orderId: buyer.orderId, communityId, payload: { facts: [fact] } };
    await Promise.all([recordPaymentEvent({ db: database.db, queue }, event), recordPaymentEvent({ db: database.db, queue }, event)]);
    if (kind === 'charge') buyer.paid = true;
    else buyer.refunded = true;
  };

  /** Everything converged, and nothing was lost or done twice. */
  const expectConverged = async () => {
    const entitled = (buyer: (typeof buyers)[number]) => buyer.paid && !buyer.refunded;
    await eventually(async () => {
      const pending = await database.db.select({ n: sql<number>`count(*)::int` }).from(paymentEvents).where(sql`${paymentEvents.processedAt} is null`);
      const roles = buyers.every((buyer) => sim.memberRoles(guildId, buyer.userId).includes(roleId) === entitled(buyer));
      const grants = await database.db.select().from(accessGrants).where(eq(accessGrants.communityId, communityId));
      const settled = grants.every((grant) => grant.desired === grant.observed);
      return pending[0]?.n === 0 && roles && settled ? true : undefined;
    }, 90_000);
    const changes = sim.roleChanges(guildId);
    for (const buyer of buyers) {
      const expected = [...(buyer.paid ? [true] : []), ...(buyer.refunded ? [false] : [])];
      expect(changes.filter((change) => change.userId === buyer.userId).map((change) => change.added)).toEqual(expected);
    }
    const paid = buyers.filter((buyer) => buyer.paid).length;
    const refunded = buyers.filter((buyer) => buyer.refunded).length;
    const [events] = await database.db.select({ n: sql<number>`count(*)::int` }).from(paymentEvents);
    const [ledger] = await database.db.select({ n: sql<number>`count(*)::int` }).from(ledgerEntries);
    const [owned] = await database.db.select({ n: sql<number>`count(*)::int` }).from(entitlements);
    const [active] = await database.db.select({ n: sql<number>`count(*)::int` }).from(entitlements).where(eq(entitlements.status, 'active'));
    const [grants] = await database.db.select({ n: sql<number>`count(*)::int` }).from(accessGrants);
    expect({ events: events?.n, ledger: ledger?.n, entitlements: owned?.n, active: active?.n, grants: grants?.n }).toEqual({
      events: paid + refunded,
      ledger: paid + refunded,
      entitlements: paid,
      active: paid - refunded,
      grants: paid,
    });
    for (const name of ['payments', 'access'] as const) {
      const state = async () => {
        const counts = await queue.queue(name).getJobCounts('failed', 'waiting', 'active');
        // Delayed jobs of the job schedulers (the sweeps, the lifecycle) are the next runs, not leftovers.
        const retries = (await queue.queue(name).getDelayed()).filter((job) => !job.repeatJobKey).length;
        return { queue: name, failed: counts.failed, waiting: counts.waiting, active: counts.active, retries };
      };
      // A scheduled run (the lifecycle, reconciliation) may be mid-flight at this instant: let it finish.
      await eventually(async () => ((await state()).active === 0 ? true : undefined), 15_000).catch(() => undefined);
      expect(await state()).toEqual({ queue: name, failed: 0, waiting: 0, active: 0, retries: 0 });
    }
  };

  beforeAll(async () => {
    scratch = path.join(inject('scratchDir'), 'access-faults');
    await mkdir(scratch, { recursive: true });
    [pgPort, redisPort] = [await freePort(), await freePort()];
    pg = await startPostgres();
    await migrateDatabase(pg.url);
    database = connectDatabase(pg.url);
    redisServer = await startRedis();
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    redis.on('error', () => {}); // refused connections while Redis restarts; commands wait for the reconnect
    queue = new BullJobQueue(redis, 'faults');
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    guildId = sim.createGuild({ name: 'Faults', ownerId: owner }).id;
    roleId = sim.createRole(guildId, { name: 'Paid' }).id;
    const [community] = await database.db.insert(communities).values({ slug: 'faults', name: 'Faults' }).returning();
    communityId = community!.id;
    const [space] = await database.db.insert(platformSpaces).values({ communityId, platform: 'discord', kind: 'discord_guild', externalId: guildId }).returning();
    const [product] = await database.db.insert(products).values({ communityId, slug: 'paid', name: 'Paid', kind: 'one_time', priceAmount: 900, currency: 'USD' }).returning();
    productId = product!.id;
    await database.db.insert(productGrants).values({ communityId, productId, kind: 'discord_role', spaceId: space!.id, resourceId: roleId });
    env = {
      DATABASE_URL: pg.url,
      REDIS_URL: redisServer.url,
      QUEUE_PREFIX: 'faults',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: '4',
      WORKER_LOCK_MS: '2000',
      DISCORD_TOKEN: sim.botToken,
      DISCORD_APP_ID: sim.applicationId,
      DISCORD_API_URL: sim.apiUrl,
      DATA_DIR: path.join(scratch, 'data'),
    };
  }, 120_000);
  afterEach(async () => {
    for (const worker of running) if (worker.child.exitCode === null && worker.child.signalCode === null) await stop(worker, 'SIGTERM');
  });
  afterAll(async () => {
    for (const worker of running) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await queue?.close();
    redis?.disconnect();
    await sim?.close();
    await database?.close();
    await redisServer?.stop();
    await pg?.stop();
  });

  it('survives a worker process SIGKILLed mid-job while a second worker process runs', async () => {
    const [first] = [await startWorker(), await startWorker()];
    sim.slowDown(ROLE_PATH, 400);
    const batch = await newBuyers(12);
    for (const buyer of batch) await deliver(buyer, 'charge');
    await eventually(async () => (sim.calls.filter((call) => ROLE_PATH.test(call.path)).length >= 3 ? true : undefined), 30_000);
    await stop(first, 'SIGKILL');
    sim.slowDown(ROLE_PATH, 0);
    await expectConverged();
  }, 120_000);

  it('loses no job when Redis restarts with jobs waiting', async () => {
    const batch = await newBuyers(6);
    for (const buyer of batch) await deliver(buyer, 'charge');
    await deliver(buyers[0]!, 'refund');
    expect(await queue.queue('payments').getWaitingCount()).toBeGreaterThanOrEqual(7);
    await redisServer.stop();
    redisServer = await startRedis();
    expect(await queue.queue('payments').getWaitingCount()).toBeGreaterThanOrEqual(7);
    await startWorker();
    await expectConverged();
  }, 120_000);

  it('carries on when Postgres restarts under running workers', async () => {
    const worker = await startWorker();
    const batch = await newBuyers(6);
    sim.slowDown(ROLE_PATH, 200);
    for (const buyer of batch) await deliver(buyer, 'charge');
    await deliver(buyers[1]!, 'refund');
    await pg.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    pg = await startPostgres();
    sim.slowDown(ROLE_PATH, 0);
    await expectConverged();
    // The outage did reach the workers: jobs threw and were retried, none failed for good, and
    // the process lived through it (postgres.js 3.4.9 needs patches/ and cli.ts's rejection guard).
    expect(worker.output()).toContain('"retrying":true');
    expect(worker.child.exitCode).toBeNull();
  }, 120_000);

  it('turns /readyz red while Postgres, then Redis, is down and green again by itself, under a workers and a bots process', async () => {
    const worker = await startWorker();
    const bots = startLyceum('bots', env);
    running.push(bots);
    await bots.waitFor('connected to Discord', 60_000);
    const readiness = async (process: LyceumProcess) => {
      const response = await fetch(`http://127.0.0.1:${listeningPort(process)}/readyz`).catch(() => undefined);
      return { status: response?.status, checks: (await response?.json().catch(() => ({}))) as { checks?: Record<string, string> } };
    };
    const until = (process: LyceumProcess, status: number) => eventually(async () => ((await readiness(process)).status === status ? true : undefined), 30_000);
    await Promise.all([until(worker, 200), until(bots, 200)]);
    expect((await readiness(worker)).checks.checks).toEqual({ postgres: 'ok', redis: 'ok', queues: 'ok' });
    expect((await readiness(bots)).checks.checks).toEqual({ postgres: 'ok', redis: 'ok', discord: 'ok' });

    const beforePostgres = await newBuyers(4);
    for (const buyer of beforePostgres) await deliver(buyer, 'charge');
    await pg.stop();
    await Promise.all([until(worker, 503), until(bots, 503)]);
    expect((await readiness(worker)).checks.checks?.postgres).not.toBe('ok');
    await worker.waitFor('a dependency is down: taking no new work until it is back');
    pg = await startPostgres();
    await Promise.all([until(worker, 200), until(bots, 200)]);
    await worker.waitFor('dependencies are back: taking work again');
    await expectConverged();

    await redisServer.stop();
    await Promise.all([until(worker, 503), until(bots, 503)]);
    expect((await readiness(bots)).checks.checks?.redis).toBe('timed out');
    redisServer = await startRedis();
    await Promise.all([until(worker, 200), until(bots, 200)]);
    const afterRedis = await newBuyers(3);
    for (const buyer of afterRedis) await deliver(buyer, 'charge');
    await expectConverged();
  }, 180_000);

  it('retries through a Discord outage of 503s without applying anything twice', async () => {
    await startWorker();
    sim.failNext({ path: ROLE_PATH, status: 503 }, 8);
    const before = sim.calls.length;
    const batch = await newBuyers(3);
    for (const buyer of batch) await deliver(buyer, 'charge');
    await expectConverged();
    const statuses = sim.calls.slice(before).filter((call) => ROLE_PATH.test(call.path)).map((call) => call.status);
    expect(statuses.filter((status) => status === 503)).toHaveLength(8);
    expect(statuses.filter((status) => status === 204)).toHaveLength(3);
  }, 120_000);
});
