/**
 * The entry point: `tsx cli.ts <role>`. Roles: all (what `npm start` runs), bots, workers,
 * migrate, seed, console. This file is the composition root: it parses config once, provides
 * Postgres and Redis (configured or embedded), builds dependencies and starts the parts.
 */
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { runConsole } from './bots/console/console.ts';
import { createDiscordAccessGateway } from './bots/discord/access-gateway.ts';
import { ConsoleSupportGateway } from './bots/console/support-gateway.ts';
import { createDiscordSupportGateway } from './bots/discord/support-gateway.ts';
import { startDiscordBot } from './bots/discord/discord-bot.ts';
import { CHECKOUT_RETURN_PATH, mountCheckoutReturn } from './bots/http/checkout-return.ts';
import { watchDependencies } from './bots/http/dependency-watch.ts';
import { type HttpServer, type ReadinessCheck, startHttpServer } from './bots/http/server.ts';
import { createStripeClient, createStripeGateway } from './bots/stripe/stripe-gateway.ts';
import { mountStripeWebhook } from './bots/stripe/webhook-route.ts';
import { createTelegramAccessGateway } from './bots/telegram/access-gateway.ts';
import { createTelegramSupportGateway } from './bots/telegram/support-gateway.ts';
import { createTelegramDeliveryGateway } from './bots/telegram/delivery-gateway.ts';
import { createDiscordDeliveryGateway } from './bots/discord/delivery-gateway.ts';
import { createConsoleDeliveryGateway } from './bots/console/delivery-gateway.ts';
import { telegramFileCache } from './core/files/telegram-file-ids.ts';
import { OpenAiIntentClassifier } from './bots/openai/intent-classifier.ts';
import { defaultClassifier } from './core/support/intents/default-classifier.ts';
import { createTelegramBot, type TelegramBot, WEBHOOK_PATH } from './bots/telegram/telegram-bot.ts';
import { type Config, formatConfigIssues, loadConfig } from './core/config.ts';
import { rotateSealedValues } from './core/safety/rotate-keys.ts';
import { installDataKeys, sealingKeyId } from './core/safety/sealed-values.ts';
import { connectDatabase, type DatabaseConnection, isConnectionLoss } from './core/db/client.ts';
import { migrateDatabase } from './core/db/migrate.ts';
import type { CoreDeps } from './core/deps.ts';
import { queueNames } from './core/queue/contract.ts';
import { openFileStore } from './bots/files/open-file-store.ts';
import { createVegaCharts } from './bots/charts/vega-charts.ts';
import { mountDashboard } from './bots/http/dashboard.ts';
import { mountAnnouncementLinks } from './bots/http/announcement-links.ts';
import { createLogger } from './core/logger.ts';
import { AdjustableClock, systemClock } from './core/ports.ts';
import { seedDemoActivity } from './core/seed/demo-activity.ts';
import { seedDemoCommunity } from './core/seed/seed-demo.ts';
import { createRedisRateLimiter } from './bots/rate-limiter.ts';
import { localDataKeys } from './scripts/embedded/data-keys.ts';
import { provideServices } from './scripts/embedded/services.ts';
import { whenPaced } from './core/delivery/pacer.ts';
import { discordBuckets, telegramBuckets } from './core/delivery/platform-limits.ts';
import { BullJobQueue } from './workers/bull-job-queue.ts';
import { registerJobMetrics } from './workers/metrics.ts';
import { connectRedis, type RedisConnection } from './workers/redis.ts';
import { createRedisPacer } from './workers/redis-pacer.ts';
import { startWorkers, type WorkerRuntime } from './workers/runner.ts';

const roles = ['all', 'bots', 'workers', 'migrate', 'seed', 'console', 'keys-rotate'] as const;
type Role = (typeof roles)[number];

/** Alerts on: a sealed value that does not open means tampering or a missing key. */
const sealedValueFailures = new Counter({ name: 'lyceum_sealed_value_failures_total', help: 'Sealed values that failed to open', labelNames: ['column', 'reason'], registers: [] });

async function main(): Promise<void> {
  const role = process.argv[2] ?? 'all';
  if (!roles.includes(role as Role)) exit(`unknown role "${role}"; expected one of ${roles.join(', ')}`, 64);
  const loaded = loadConfig(process.env);
  if (!loaded.ok) exit(formatConfigIssues(loaded.error), 78);
  const config = loaded.value;
  const interactive =
    role === 'console' || (role === 'all' && !config.discord && !config.telegram && process.stdin.isTTY === true);
  const logFile = interactive ? path.join(config.dataDir, 'logs', 'lyceum.log') : undefined;
  const log = createLogger({ level: config.logLevel, file: logFile });
  const cleanups: Array<() => Promise<unknown>> = [];
  const shutdown = shutdownOnce(log, config, cleanups);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
  process.on('unhandledRejection', (reason) => {
    if (isConnectionLoss(reason)) return log.warn({ err: reason }, 'a database connection was lost; its queries fail and are retried');
    log.fatal({ err: reason }, 'unhandled promise rejection');
    void shutdown('unhandled promise rejection', 1);
  });
  try {
    installDataKeys(config.dataKeys ?? (await localDataKeys(config.dataDir)), (failure) => {
      sealedValueFailures.inc({ column: failure.column, reason: failure.reason });
      log.error({ column: failure.column, reason: failure.reason, alert: 'sealed_value' }, 'a sealed value failed to open: tampered, or sealed under a key this process lacks');
    });
    await start(role as Role, config, { log, logFile, interactive, cleanups, shutdown });
  } catch (error) {
    log.error({ err: error }, 'start-up failed');
    console.error('Lyceum failed to start:', error instanceof Error ? error.message : error);
    await shutdown('start-up failed', 1);
  }
}

type Runtime = {
  log: Logger;
  logFile: string | undefined;
  interactive: boolean;
  cleanups: Array<() => Promise<unknown>>;
  shutdown: (reason: string, exitCode?: number) => Promise<void>;
};

async function start(role: Role, config: Config, runtime: Runtime): Promise<void> {
  const { log, logFile, interactive, cleanups, shutdown } = runtime;

  const runsQueue = role !== 'migrate' && role !== 'seed' && role !== 'console' && role !== 'keys-rotate';
  const services = await provideServices(
    { dataDir: config.dataDir, databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, redisElsewhere: Boolean(config.redisSentinel ?? config.redisCluster) },
    { info: (m) => log.info(m), warn: (m) => log.warn(m) },
  );
  cleanups.push(() => services.stop());
  await migrateDatabase(config.databaseDirectUrl ?? services.databaseUrl);
  const database = connectDatabase(services.databaseUrl);
  cleanups.push(() => database.close());
  const replica = config.databaseReplicaUrl ? connectDatabase(config.databaseReplicaUrl, { max: 5 }) : undefined;
  if (replica) cleanups.push(() => replica.close());

  if (role === 'migrate') return shutdown('done');
  if (role === 'keys-rotate') {
    for (const { column, resealed, failed } of await rotateSealedValues(database.db)) {
      console.log(`${column}: ${resealed} re-sealed under key ${sealingKeyId()}${failed ? `, ${failed} did not open (see the log)` : ''}`);
    }
    return shutdown('done');
  }
  if (role === 'seed') {
    const seeded = await seedDemoCommunity(database.db, systemClock.now());
    if (seeded.created) await seedDemoActivity(database.db, seeded.communityId, systemClock.now());
    console.log(seeded.created ? 'Seeded the demo community.' : 'The demo community was already there; nothing changed.');
    return shutdown('done');
  }
  if (role === 'all' && !(await hasCommunity(database))) {
    const seeded = await seedDemoCommunity(database.db, systemClock.now());
    await seedDemoActivity(database.db, seeded.communityId, systemClock.now());
  }

  const runsBots = role === 'all' || role === 'bots';
  // Every remaining role enqueues jobs (a purchase, a refund), so each has a Redis producer.
  const redis = connectRedis(config.redisSentinel ?? config.redisCluster ?? services.redisUrl, role);
  const queue = new BullJobQueue(redis, config.workers.queuePrefix);
  const pacer = createRedisPacer(redis, config.workers.queuePrefix);
  cleanups.push(() => redis.quit(), () => queue.close());
  // The access gateways' calls draw on the pacer the deliveries use: every process together stays within the platforms' rates.
  const telegramRest = config.telegram ? createTelegramAccessGateway({ token: config.telegram.token, apiRoot: config.telegram.apiRoot, log, pace: (chatId) => whenPaced(pacer, telegramBuckets(chatId, 'private')) }) : undefined;
  const telegramSupport = config.telegram ? createTelegramSupportGateway({ token: config.telegram.token, apiRoot: config.telegram.apiRoot, log }) : undefined;
  // The console shows the support worker's relays when both run in this process (`npm start`).
  const consoleRelays = interactive && role === 'all' ? new ConsoleSupportGateway() : undefined;
  // Outside production the console may move time forward (`/time +3d`) to show the lifecycle.
  const demoClock = config.env === 'production' ? undefined : new AdjustableClock();
  const files = openFileStore(config);
  const coreDeps: CoreDeps = {
    db: database.db,
    ...(replica ? { analyticsDb: replica.db } : {}),
    queue,
    pacer,
    clock: demoClock ?? systemClock,
    log,
    files,
    charts: createVegaCharts(),
    limits: createRedisRateLimiter(redis, config.workers.queuePrefix, log),
    // The listening port is known once the server runs; a configured PUBLIC_URL wins.
    web: { baseUrl: publicBase(config), linksReachable: Boolean(config.http.publicUrl) || (interactive && role === 'all') },
    payments: {
      sandbox: config.env !== 'production',
      stripe: config.stripe
        ? createStripeGateway({ secretKey: config.stripe.secretKey, apiUrl: config.stripe.apiUrl, returnUrl: publicBase(config) + CHECKOUT_RETURN_PATH })
        : undefined,
      stars: telegramRest,
    },
    access: {
      telegram: telegramRest,
      discord: config.discord ? createDiscordAccessGateway({ token: config.discord.token, apiUrl: config.discord.apiUrl, log, pace: () => whenPaced(pacer, discordBuckets('channel')) }) : undefined,
    },
    delivery: {
      telegram: config.telegram
        ? createTelegramDeliveryGateway({ token: config.telegram.token, apiRoot: config.telegram.apiRoot, files: { cache: telegramFileCache(database.db, config.telegram.token.split(':')[0]!), store: files, log } })
        : undefined,
      discord: config.discord ? createDiscordDeliveryGateway({ token: config.discord.token, apiUrl: config.discord.apiUrl, files, dmsPerMinute: config.discord.dmsPerMinute, log }) : undefined,
      console: consoleRelays ? createConsoleDeliveryGateway(consoleRelays) : undefined,
    },
    // The local tier trains now (about 0.7 s), not on the first member's message.
    support: {
      classifier: config.openai ? new OpenAiIntentClassifier(config.openai, defaultClassifier(), log) : defaultClassifier(),
      gateways: {
        console: consoleRelays,
        telegram: telegramSupport,
        discord: config.discord ? createDiscordSupportGateway({ token: config.discord.token, apiUrl: config.discord.apiUrl, log }) : undefined,
      },
    },
  };
  const botDeps = coreDeps;
  const telegram =
    runsBots && config.telegram
      ? createTelegramBot({
          token: config.telegram.token,
          apiRoot: config.telegram.apiRoot,
          deps: botDeps,
          log,
          webhook:
            config.http.publicUrl && config.telegram.webhookSecret
              ? {
                  url: new URL(WEBHOOK_PATH, config.http.publicUrl).href,
                  secret: config.telegram.webhookSecret,
                  queue: { redis, prefix: config.workers.queuePrefix, lockMs: config.workers.lockMs, concurrency: config.workers.concurrency * 8 },
                }
              : undefined,
          onFatal: () => void shutdown('telegram polling stopped', 1),
        })
      : undefined;

  let http: HttpServer | undefined;
  // /readyz and the dependency watch read this list; the Discord gateway joins it once started.
  const readiness: ReadinessCheck[] = [
    { name: 'postgres', check: () => database.db.execute(sql`select 1`) },
    { name: 'redis', check: () => redis.ping() },
  ];
  let workers: WorkerRuntime | undefined;
  if (runsQueue) {
    const runtime = await startWorkersAndHttp(role, config, coreDeps, { redis, queue, database, cleanups, telegram, readiness });
    http = runtime.http;
    workers = runtime.workers;
  }
  if (telegram) {
    // Registered before start: a start that fails half-way still stops polling on shutdown.
    cleanups.push(() => telegram.close());
    await telegram.start();
  }
  if (runsBots && config.discord) {
    const discord = await startDiscordBot({
      token: config.discord.token,
      applicationId: config.discord.appId,
      apiUrl: config.discord.apiUrl,
      deps: botDeps,
      log,
      shards: config.discord.shards,
      coordination: { redis, prefix: config.workers.queuePrefix },
    });
    cleanups.push(() => discord.close());
    readiness.push({ name: 'discord', check: async () => shardsConnected(discord.shardStatus()) });
  }
  if (runsQueue) {
    // Without Postgres every job would fail and use up its retries: pause until it is back.
    // (Without Redis nothing is taken anyway; BullMQ waits for the reconnect.)
    const postgresCheck = readiness.filter((check) => check.name === 'postgres');
    const watch = watchDependencies({
      checks: postgresCheck,
      intervalMs: 1_000,
      log,
      onDown: async () => {
        await Promise.all([workers?.pause(), telegram?.pause()]);
      },
      onUp: async () => {
        await Promise.all([workers?.resume(), telegram?.resume()]);
      },
    });
    cleanups.push(async () => watch.stop());
  }
  if (interactive) {
    if (http) process.stdout.write(`Lyceum is running. Health and metrics: ${http.url}/readyz ${http.url}/metrics\n`);
    process.stdout.write(`Logs: ${logFile}\n\n`);
    await runConsole({
      deps: coreDeps,
      clock: demoClock,
      input: process.stdin,
      output: process.stdout,
      log,
      relays: consoleRelays,
      exportDir: path.join(config.dataDir, 'exports'),
      onInterrupt: () => void shutdown('SIGINT'),
    });
    await shutdown('console closed');
  } else if (role === 'all' && !config.discord && !config.telegram) {
    log.info('no DISCORD_TOKEN or TELEGRAM_BOT_TOKEN and no terminal: running workers and HTTP only');
  }
}

async function startWorkersAndHttp(
  role: Role,
  config: Config,
  deps: CoreDeps,
  parts: {
    redis: RedisConnection;
    queue: BullJobQueue;
    database: DatabaseConnection;
    cleanups: Array<() => Promise<unknown>>;
    telegram: TelegramBot | undefined;
    readiness: ReadinessCheck[];
  },
) {
  const { redis, queue, cleanups, telegram, readiness } = parts;
  const { log } = deps;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registry.registerMetric(sealedValueFailures);
  const metrics = registerJobMetrics(registry, (name) => queue.queue(name));

  let workers: WorkerRuntime | undefined;
  if (role === 'all' || role === 'workers') {
    workers = await startWorkers(
      deps,
      queue,
      { connection: redis, prefix: config.workers.queuePrefix, concurrency: config.workers.concurrency, lockMs: config.workers.lockMs, log, metrics },
    );
    const running = workers;
    cleanups.push(() => running.close(config.shutdownTimeoutMs));
    readiness.push({ name: 'queues', check: () => queuesFlowing(queue) });
  }
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    log,
    registry,
    checks: readiness,
    mount: (app) => {
      telegram?.mount(app);
      mountCheckoutReturn(app);
      mountDashboard(app, deps, { secureCookie: publicBase(config).startsWith('https:') });
      mountAnnouncementLinks(app, deps);
      if (config.stripe) {
        const stripe = createStripeClient({ secretKey: config.stripe.secretKey, apiUrl: config.stripe.apiUrl });
        mountStripeWebhook(app, { stripe, webhookSecret: config.stripe.webhookSecret, deps, log });
      }
    },
  });
  cleanups.push(() => http.close());
  if (!config.http.publicUrl && deps.web) deps.web.baseUrl = http.url;
  return { http, workers };
}

/** Throws unless every shard this process runs is connected to the gateway. */
function shardsConnected(status: { expected: number[]; connected: number[] }): void {
  const missing = status.expected.filter((id) => !status.connected.includes(id));
  if (!status.expected.length || missing.length) throw new Error(`shards not connected: ${missing.length ? missing.join(', ') : 'starting'}`);
}

/** A job ready to run but left waiting this long means no worker is taking from its queue. */
const QUEUE_STALLED_MS = 5 * 60_000;

async function queuesFlowing(queue: BullJobQueue): Promise<void> {
  const now = Date.now();
  const stalled: string[] = [];
  for (const name of queueNames) {
    const [oldest] = await queue.queue(name).getJobs(['wait'], 0, 0, true);
    if (oldest && now - (oldest.timestamp + (oldest.delay ?? 0)) > QUEUE_STALLED_MS) stalled.push(name);
  }
  if (stalled.length) throw new Error(`stalled: ${stalled.join(', ')}`);
}

/** The address people and providers reach this server at: PUBLIC_URL, else the local one. */
function publicBase(config: Config): string {
  return (config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`).replace(/\/$/, '');
}

async function hasCommunity(database: DatabaseConnection): Promise<boolean> {
  const [row] = await database.sql<[{ found: boolean }]>`select exists (select 1 from communities) as found`;
  return row?.found ?? false;
}

/**
 * Runs the cleanups in reverse order of registration, so the process stops taking work first
 * (HTTP, then workers finish or release in-flight jobs), then closes its Redis and Postgres
 * clients, then the embedded servers. A second signal while stopping is ignored; a stop that
 * hangs is cut short.
 */
function shutdownOnce(log: Logger, config: Config, cleanups: Array<() => Promise<unknown>>) {
  let stopping: Promise<void> | undefined;
  return (reason: string, exitCode = 0): Promise<void> => {
    if (stopping) return stopping;
    log.info({ reason }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 15_000).unref();
    stopping = (async () => {
      let failed = false;
      for (const cleanup of [...cleanups].reverse()) {
        await cleanup().catch((error: unknown) => {
          failed = true;
          log.error({ err: error }, 'cleanup step failed');
        });
      }
      await new Promise<void>((resolve) => log.flush(() => resolve()));
      process.exit(failed ? 1 : exitCode);
    })();
    return stopping;
  };
}

function exit(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

await main();
