import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../../bots/telegram/telegram-bot.ts';
import { deliveries, unreachableTargets } from '../../../core/db/schema/index.ts';
import { platformLimits } from '../../../core/delivery/platform-limits.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import type { SimTgMessage } from '../../sim/telegram/types.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { silentLog } from '../../support/fakes.ts';
import { type LyceumProcess, processEnv, startLyceum } from '../../support/processes.ts';
import { createTestQueues, eventually, type TestQueues } from '../../support/queues.ts';
import { announceAndConfirm, createTelegramAudience, sentAnnouncement } from '../../support/telegram-broadcast.ts';
import { expectRetryAfterObeyed, sendsPerChat } from '../../support/telegram-pacing.ts';

const RECIPIENTS = 2_000;
const BLOCKED = 20;

/**
 * One announcement to 2,000 Telegram members, 20 of whom blocked the bot, sent by two real worker
 * processes against the simulator enforcing Telegram's flood limits; one process is SIGKILLed
 * half-way and a fresh one takes over. Every reachable member gets exactly one message, the
 * simulator's timestamps stay within the limits, the 20 are marked unreachable and counted, and
 * the creator's confirmation shows the final counts.
 */
describe('an announcement fan-out across worker processes', () => {
  let database: TestDatabase;
  let queues: TestQueues;
  let sim: TelegramSim;
  let bot: TelegramBot;
  let env: Record<string, string>;
  const running: LyceumProcess[] = [];

  const startWorker = async () => {
    const worker = startLyceum('workers', env);
    running.push(worker);
    await worker.waitFor('"msg":"workers started"', 60_000);
    return worker;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    queues = createTestQueues();
    sim = await startTelegramSim({ botUsername: 'lyceum_fanout_bot', floodLimits: true });
    env = processEnv(
      { databaseUrl: database.url, queuePrefix: queues.prefix, name: 'fanout-test' },
      { WORKER_CONCURRENCY: '4', WORKER_LOCK_MS: '2000', TELEGRAM_BOT_TOKEN: sim.token, TELEGRAM_API_ROOT: sim.apiRoot },
    );
  });
  afterAll(async () => {
    for (const worker of running) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await bot?.close();
    await queues?.close();
    await sim?.close();
    await database?.drop();
  });

  it('reaches every member once within the limits through a SIGKILL and two processes, but for sends the killed worker left unconfirmed', async () => {
    const world = await createTelegramAudience(database.db, sim, { count: RECIPIENTS });
    const { creator } = world;
    const blocked = new Set(world.audience.slice(0, BLOCKED).map((member) => member.userId));
    for (const userId of blocked) sim.user(Number(userId)).blockBot();
    bot = createTelegramBot({ token: sim.token, apiRoot: sim.apiRoot, deps: { ...commandDeps(database.db, { queue: queues.queue }), log: silentLog }, log: silentLog });
    await bot.start();
    await startWorker();
    await startWorker();

    const preview = await announceAndConfirm(sim, creator, 'The **spring cohort** opens on Monday.', /spring cohort/);
    expect(preview.text).toMatch(/2000 Telegram private messages/);
    const members = world.members;
    const delivered = () => [...sendsPerChat(sim)].filter(([chat]) => members.has(chat)).length;

    await eventually(async () => (delivered() >= RECIPIENTS / 2 ? true : undefined), 120_000);
    running[0]!.child.kill('SIGKILL');
    await running[0]!.exited;
    await startWorker();

    const announcement = await sentAnnouncement(database.db, world.communityId, 180_000);

    const perChat = sendsPerChat(sim);
    const twice = world.audience.filter((member) => (perChat.get(member.userId) ?? 0) > 1);
    const missed = world.audience.filter((member) => !blocked.has(member.userId) && (perChat.get(member.userId) ?? 0) === 0);
    expect(twice).toHaveLength(0);
    // The one miss the engine allows: the killed worker had claimed the row but its call never
    // reached Telegram. Not knowing whether it arrived, the engine records it sent-unconfirmed and
    // never sends it again (at most once). Any other miss is a lost row.
    const unconfirmedTargets = new Set(
      (await database.db.select({ targetId: deliveries.targetId }).from(deliveries).where(and(eq(deliveries.communityId, world.communityId), eq(deliveries.unconfirmed, true)))).map((row) => row.targetId),
    );
    expect(missed.filter((member) => !unconfirmedTargets.has(member.userId))).toEqual([]);
    for (const userId of blocked) expect(perChat.get(userId) ?? 0).toBe(0);
    const rate = sim.sendRate();
    expect(rate.maxPerSecondOverall).toBeLessThanOrEqual(platformLimits.telegram.platformPerSecond);
    expect(rate.maxPerSecondInOneChat).toBeLessThanOrEqual(1);
    expectRetryAfterObeyed(sim, members);

    const rows = await database.db
      .select({ status: deliveries.status, n: sql<number>`count(*)::int`, unconfirmed: sql<number>`(count(*) filter (where ${deliveries.unconfirmed}))::int` })
      .from(deliveries)
      .where(eq(deliveries.announcementId, announcement.id))
      .groupBy(deliveries.status);
    expect(Object.fromEntries(rows.map((row) => [row.status, row.n]))).toEqual({ sent: RECIPIENTS - BLOCKED, failed: BLOCKED });
    expect(await database.db.select().from(unreachableTargets)).toHaveLength(BLOCKED);
    const final = await eventually(async () => sim.privateChatMessages(creator).find((message: SimTgMessage) => message.message_id === preview.message_id && /Sent:/.test(message.text ?? '')));
    expect(final.text).toMatch(new RegExp(`Sent\\n${RECIPIENTS - BLOCKED}`));
    expect(final.text).toMatch(new RegExp(`Unreachable\\n${BLOCKED}`));
    const unconfirmed = rows.reduce((sum, row) => sum + row.unconfirmed, 0);
    console.info(`fan-out: ${RECIPIENTS} recipients, max ${rate.maxPerSecondOverall}/s overall, ${rate.refused429} 429s, ${unconfirmed} sent-unconfirmed after the SIGKILL`);
  }, 300_000);
});
