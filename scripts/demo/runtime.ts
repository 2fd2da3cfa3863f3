import { chmod, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { createVegaCharts } from '../../bots/charts/vega-charts.ts';
import { createLocalFileStore } from '../../bots/files/local-file-store.ts';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createDiscordAccessGateway } from '../../bots/discord/access-gateway.ts';
import { createDiscordSupportGateway } from '../../bots/discord/support-gateway.ts';
import { createStripeGateway } from '../../bots/stripe/stripe-gateway.ts';
import { createTelegramAccessGateway } from '../../bots/telegram/access-gateway.ts';
import { createTelegramSupportGateway } from '../../bots/telegram/support-gateway.ts';
import { createLinkCode } from '../../core/communities/link-codes.ts';
import { connectDatabase } from '../../core/db/client.ts';
import { migrateDatabase } from '../../core/db/migrate.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { systemClock } from '../../core/ports.ts';
import { consolePersonas, seedDemoCommunity } from '../../core/seed/seed-demo.ts';
import { defaultClassifier } from '../../core/support/intents/default-classifier.ts';
import { type DiscordSim, startDiscordSim } from '../../test/sim/discord/index.ts';
import { startStripeSim, type StripeSim } from '../../test/sim/stripe/index.ts';
import { startTelegramSim, type TelegramSim } from '../../test/sim/telegram/index.ts';
import { startStripeWebhookServer } from '../../test/support/stripe-webhooks.ts';
import { BullJobQueue } from '../../workers/bull-job-queue.ts';
import { startWorkers } from '../../workers/runner.ts';
import { startEmbeddedPostgres } from '../embedded/postgres.ts';
import { startEmbeddedRedis } from '../embedded/redis.ts';

export type DemoRuntime = {
  deps: CoreDeps;
  discord: DiscordSim;
  telegram: TelegramSim;
  stripe: StripeSim;
  communityId: string;
  linkCode(): Promise<string>;
  /** Makes a platform user who has talked to the bot a creator of the demo community (there is no command for roles yet). */
  makeCreator(platform: 'discord' | 'telegram', userId: string): Promise<void>;
  close(): Promise<void>;
};

const quiet = { info: () => {}, warn: (message: string) => console.warn(message) };

/**
 * Everything the demo runs on, on throwaway data: embedded Postgres with the demo community,
 * a private Redis, the real payments and access workers, the Stripe webhook route, and the
 * three simulators the real clients talk to.
 */
export async function startDemoRuntime(): Promise<DemoRuntime> {
  const log = pino({ level: 'silent' });
  const cleanups: Array<() => Promise<unknown>> = [];
  const dir = await mkdtemp('/tmp/lyceum-demo-');
  await chmod(dir, 0o755);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const postgres = await startEmbeddedPostgres({ dir: `${dir}/pg`, database: 'demo', log: quiet });
  cleanups.push(() => postgres.stop());
  const redisServer = await startEmbeddedRedis({ dir: `${dir}/redis`, log: quiet, appendOnly: false });
  cleanups.push(() => redisServer.stop());
  await migrateDatabase(postgres.url);
  const database = connectDatabase(postgres.url);
  cleanups.push(() => database.close());
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  cleanups.push(() => redis.quit());
  const queue = new BullJobQueue(redis, 'demo');
  cleanups.push(() => queue.close());

  const [discord, telegram, stripe] = await Promise.all([startDiscordSim(), startTelegramSim({ botUsername: 'lyceum_demo_bot' }), startStripeSim()]);
  cleanups.push(() => discord.close(), () => telegram.close(), () => stripe.close());
  const telegramRest = createTelegramAccessGateway({ token: telegram.token, apiRoot: telegram.apiRoot, log });
  const deps: CoreDeps = {
    db: database.db,
    queue,
    clock: systemClock,
    log,
    files: createLocalFileStore(path.join(dir, 'files')),
    charts: createVegaCharts(),
    payments: {
      sandbox: true,
      stripe: createStripeGateway({ secretKey: stripe.secretKey, apiUrl: stripe.url, returnUrl: 'http://127.0.0.1/checkout/return' }),
      stars: telegramRest,
    },
    access: { discord: createDiscordAccessGateway({ token: discord.botToken, apiUrl: discord.apiUrl, log }), telegram: telegramRest },
    support: {
      classifier: defaultClassifier(),
      gateways: {
        discord: createDiscordSupportGateway({ token: discord.botToken, apiUrl: discord.apiUrl, log }),
        telegram: createTelegramSupportGateway({ token: telegram.token, apiRoot: telegram.apiRoot, log }),
      },
    },
  };
  const workers = await startWorkers(deps, queue, { connection: redis, prefix: 'demo', concurrency: 2, log, schedulers: false });
  cleanups.push(() => workers.close(5_000));
  const http = await startStripeWebhookServer(stripe, deps, log);
  cleanups.push(() => http.close());

  const now = systemClock.now();
  const { communityId } = await seedDemoCommunity(database.db, now);
  const [owner] = await database.sql<[{ member_id: string }]>`
    select m.member_id from memberships m
    join platform_identities i on i.member_id = m.member_id
    where m.community_id = ${communityId} and i.platform_user_id = ${consolePersonas.owner.userId}`;
  return {
    deps,
    discord,
    telegram,
    stripe,
    communityId,
    linkCode: async () => (await createLinkCode(database.db, { communityId, memberId: owner!.member_id, now: systemClock.now() })).code,
    async makeCreator(platform, userId) {
      await database.sql`
        update memberships set role = 'creator' where community_id = ${communityId} and member_id =
          (select member_id from platform_identities where platform = ${platform} and platform_user_id = ${userId})`;
    },
    async close() {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    },
  };
}
