import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDiscordAccessGateway } from '../../bots/discord/access-gateway.ts';
import { createLocalFileStore } from '../../bots/files/local-file-store.ts';
import { createTelegramBot, type TelegramBot } from '../../bots/telegram/telegram-bot.ts';
import { findDifferences } from '../../core/access/find-differences.ts';
import { repairDifferences } from '../../core/access/repair-differences.ts';
import { accessGrants } from '../../core/db/schema/index.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { systemClock } from '../../core/ports.ts';
import { type DiscordSim, startDiscordSim } from '../sim/discord/index.ts';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.ts';
import { commandDeps } from '../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createDriftedDiscordServer } from '../support/drifted-discord-server.ts';
import { silentLog } from '../support/fakes.ts';
import { type LyceumProcess, processEnv, startLyceum } from '../support/processes.ts';
import { createTestQueues, eventually, type TestQueues } from '../support/queues.ts';
import { announceAndConfirm, createTelegramAudience, expectPaidBroadcastOnce, sentAnnouncement } from '../support/telegram-broadcast.ts';

const WORKERS = 4;
const RECIPIENTS = 10_000;
const MEMBERS = 10_000;
const DRIFTED = 100;
const ROLE_ROUTE = '/guilds/:id/members/:id/roles/:id';

/**
 * Four worker processes share one Redis and one Postgres and run, at the same time, a paid
 * Telegram broadcast to 10,000 members and the repair of a 10,000-member Discord server found 1%
 * out of line. Together they stay within each platform's limits as the simulators recorded them
 * (the limits live in Redis, not in a process), and nothing is done twice: one message per
 * member, one role call per difference.
 */
describe('four worker processes under a broadcast and a reconciliation at once', () => {
  let database: TestDatabase;
  let queues: TestQueues;
  let telegram: TelegramSim;
  let discord: DiscordSim;
  let bot: TelegramBot;
  const running: LyceumProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    queues = createTestQueues();
    telegram = await startTelegramSim({ botUsername: 'lyceum_scale_bot', floodLimits: true, botStarBalance: RECIPIENTS });
    discord = await startDiscordSim();
  });
  afterAll(async () => {
    for (const worker of running) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await bot?.close();
    await queues?.close();
    await telegram?.close();
    await discord?.close();
    await database?.drop();
  });

  it('sends each member one message and repairs each difference once, within both platforms’ limits', async () => {
    const db = database.db;
    const world = await createTelegramAudience(db, telegram, { count: RECIPIENTS, paidBroadcast: true });
    const server = await createDriftedDiscordServer(db, discord, { count: MEMBERS, drifted: DRIFTED });

    const env = processEnv(
      { databaseUrl: database.url, queuePrefix: queues.prefix, name: 'four-workers' },
      { WORKER_CONCURRENCY: '8', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DISCORD_TOKEN: discord.botToken, DISCORD_APP_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl },
    );
    const starting = Array.from({ length: WORKERS }, () => startLyceum('workers', env));
    running.push(...starting);
    await Promise.all(starting.map((worker) => worker.waitFor('"msg":"workers started"', 60_000)));
    bot = createTelegramBot({ token: telegram.token, apiRoot: telegram.apiRoot, deps: { ...commandDeps(db, { queue: queues.queue }), log: silentLog }, log: silentLog });
    await bot.start();

    // The broadcast: composed and confirmed by the creator in a private chat.
    await announceAndConfirm(telegram, world.creator, 'The **spring cohort** opens on Monday.', /spring cohort/);

    // The reconciliation, started as `/access audit` and its repair button start it: a fresh
    // listing of the server, then one repair job per difference for the workers.
    const log = pino({ level: 'silent' });
    const deps: CoreDeps = { db, queue: queues.queue, clock: systemClock, log, files: createLocalFileStore(path.join(inject('scratchDir'), 'four-workers-files')), payments: { sandbox: false }, access: { discord: createDiscordAccessGateway({ token: discord.botToken, apiUrl: discord.apiUrl, log }) } };
    const found = await findDifferences(deps, server.communityId, { fresh: true });
    expect(found.differences).toHaveLength(DRIFTED);
    await repairDifferences(deps, server.communityId, found.differences, {});

    const announcement = await sentAnnouncement(db, world.communityId, 240_000);
    await eventually(async () => {
      const [row] = await db.execute<{ left: number }>(sql`select count(*)::int as left from ${accessGrants} where ${accessGrants.communityId} = ${server.communityId} and ${accessGrants.desired}::text <> ${accessGrants.observed}::text`);
      return row?.left === 0 ? true : undefined;
    }, 120_000);

    // Telegram: one message per member, within the paid broadcast limit and one a second per chat.
    const telegramRate = await expectPaidBroadcastOnce(db, telegram, world, announcement.id);

    // Discord: one role call per difference, the server in line, under the global 50 a second.
    const roleCalls = discord.calls.filter((call) => call.route === ROLE_ROUTE && call.status >= 200 && call.status < 300);
    expect(roleCalls).toHaveLength(DRIFTED);
    expect(new Set(roleCalls.map((call) => call.path)).size).toBe(DRIFTED);
    expect(server.userIds.filter((userId, index) => discord.memberRoles(server.guildId, userId).includes(server.roleId) !== index < server.entitledCount)).toEqual([]);
    const discordRate = discord.sendRate();
    expect(discordRate.maxPerSecondOverall).toBeLessThanOrEqual(50);
    expect(discord.calls.filter((call) => call.status === 429 && call.scope === 'global')).toEqual([]);
    expect([...discordRate.dmMessagesPerUser.values()].filter((count) => count > 1)).toEqual([]);

    const failed = await Promise.all((['delivery', 'access'] as const).map((name) => queues.queue.queue(name).getJobCounts('failed')));
    expect(failed).toEqual([{ failed: 0 }, { failed: 0 }]);
    for (const worker of running) expect(worker.child.exitCode).toBeNull();
    console.info(`four workers: Telegram ${telegramRate.paidSends} paid sends, max ${telegramRate.maxPerSecondOverall}/s; Discord ${roleCalls.length} role calls, max ${discordRate.maxPerSecondOverall}/s, ${discordRate.refused429} 429s`);
  }, 420_000);
});
