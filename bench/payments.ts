/**
 * Payments end to end: from Stripe's signed webhook accepted by our HTTP route, through the
 * payments worker (stored event -> Stripe re-read -> ledger + entitlement committed) and the
 * access worker, to the grant applied in the Telegram simulator (a single-use invite link).
 * In the same run, the raw single-row insert rate of the same Postgres, and their ratio.
 * Run: `npm run bench:payments` (PAYMENTS to change the count, WORKER_CONCURRENCY the workers).
 */
import path from 'node:path';
import { createLocalFileStore } from '../bots/files/local-file-store.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createStripeGateway } from '../bots/stripe/stripe-gateway.ts';
import { createTelegramAccessGateway } from '../bots/telegram/access-gateway.ts';
import { buyProduct } from '../core/commerce/buy-product.ts';
import type { CoreDeps } from '../core/deps.ts';
import { accessGrants, communities, members, memberships, platformIdentities, platformSpaces, productGrants, products } from '../core/db/schema/index.ts';
import { systemClock } from '../core/ports.ts';
import { startEmbeddedRedis } from '../scripts/embedded/redis.ts';
import { startStripeSim } from '../test/sim/stripe/index.ts';
import { startTelegramSim } from '../test/sim/telegram/index.ts';
import { startStripeWebhookServer } from '../test/support/stripe-webhooks.ts';
import { BullJobQueue } from '../workers/bull-job-queue.ts';
import { startWorkers } from '../workers/runner.ts';
import { benchDatabase } from './support.ts';

const count = Number(process.env.PAYMENTS ?? 300);
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 8);
const log = pino({ level: 'silent' });
const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };

const database = await benchDatabase();
const redisDir = await mkdtemp('/tmp/lyceum-bench-redis-');
const redisServer = await startEmbeddedRedis({ dir: redisDir, log: quiet, appendOnly: false });
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
const queue = new BullJobQueue(redis, 'bench');
const stripeSim = await startStripeSim({ retryDelaysMs: [100, 500, 2000] });
const telegramSim = await startTelegramSim({ botUsername: 'lyceum_bench_bot' });
try {
  const db = database.db;
  const owner = telegramSim.createUser({ firstName: 'Owner' }).id;
  const chat = telegramSim.createGroup({ title: 'Paid Lounge', type: 'supergroup', creatorId: owner });
  const [community] = await db.insert(communities).values({ slug: 'bench', name: 'Bench Academy' }).returning();
  const communityId = community!.id;
  const [space] = await db.insert(platformSpaces).values({ communityId, platform: 'telegram', kind: 'telegram_supergroup', externalId: String(chat.id) }).returning();
  const [product] = await db.insert(products).values({ communityId, slug: 'pro', name: 'Pro', kind: 'one_time', priceAmount: 4900, currency: 'USD' }).returning();
  await db.insert(productGrants).values({ communityId, productId: product!.id, kind: 'telegram_chat', spaceId: space!.id, resourceId: String(chat.id) });

  const telegram = createTelegramAccessGateway({ token: telegramSim.token, apiRoot: telegramSim.apiRoot, log });
  const stripe = createStripeGateway({ secretKey: stripeSim.secretKey, apiUrl: stripeSim.url, returnUrl: 'http://127.0.0.1/checkout/return' });
  const deps: CoreDeps = { db, queue, clock: systemClock, log, files: createLocalFileStore(path.join(redisDir, 'files')), payments: { sandbox: false, stripe }, access: { telegram } };
  const http = await startStripeWebhookServer(stripeSim, deps, log);

  // Buyers and their open checkouts (not timed).
  const sessions: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const user = telegramSim.createUser({ firstName: `Buyer ${index}` });
    const [member] = await db.insert(members).values({ displayName: user.first_name }).returning();
    await db.insert(platformIdentities).values({ memberId: member!.id, platform: 'telegram', platformUserId: String(user.id) });
    await db.insert(memberships).values({ communityId, memberId: member!.id });
    const actor = { memberId: member!.id, communityId, communityName: 'Bench', communitySlug: 'bench', role: 'member' as const, locale: 'en' as const, platform: 'console' as const, platformUserId: String(user.id) };
    const result = await buyProduct(deps, actor, { product: 'pro' });
    if (!result.ok) throw new Error(`checkout failed: ${result.error.code}`);
    const [row] = await db.execute<{ id: string }>(sql`select provider_checkout_id as id from orders where member_id = ${member!.id}`);
    sessions.push(row!.id);
  }

  const workers = await startWorkers(deps, queue, { connection: redis, prefix: 'bench', concurrency, log, schedulers: false });
  const started = performance.now();
  for (const session of sessions) stripeSim.completeCheckout(session);
  for (;;) {
    const [row] = await db.execute<{ done: number }>(sql`select count(*)::int as done from ${accessGrants} where ${accessGrants.observed} = 'invited'`);
    if ((row?.done ?? 0) >= count) break;
    if (performance.now() - started > 600_000) throw new Error('payments did not all complete within 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const paymentsPerSecond = count / seconds;
  await workers.close(10_000);
  await http.close();

  // The same Postgres, raw: one autocommitted single-row insert at a time, per connection.
  await db.execute(sql`create table bench_raw (id bigserial primary key, payload text not null, at timestamptz not null default now())`);
  const inserts = count * 20;
  const rawStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < inserts) {
        next += 1;
        await db.execute(sql`insert into bench_raw (payload) values (${`row ${next}`})`);
      }
    }),
  );
  const insertsPerSecond = inserts / ((performance.now() - rawStarted) / 1000);

  const invites = telegramSim.callsTo('createChatInviteLink').filter((call) => call.ok).length;
  console.log(`\nPayments end to end (${count} Stripe payments, ${concurrency} jobs in flight per queue)`);
  console.log(`webhook accepted -> entitlement committed -> grant applied: ${paymentsPerSecond.toFixed(1)} payments/s (${seconds.toFixed(2)} s)`);
  console.log(`raw single-row inserts, same Postgres, ${concurrency} connections: ${insertsPerSecond.toFixed(0)} rows/s`);
  console.log(`invite links created: ${invites} (expected ${count})`);
  console.log(`ratio: ${(paymentsPerSecond / insertsPerSecond).toFixed(2)}`);
} finally {
  await stripeSim.close();
  await telegramSim.close();
  await queue.close();
  await redis.quit();
  await redisServer.stop();
  await rm(redisDir, { recursive: true, force: true });
  await database.dispose();
}
